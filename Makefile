# A thin layer over Meson: `make run` and `make check` are the two commands a new user needs.
BUILD ?= build
DB ?= demo.db
LISTEN ?= 127.0.0.1:8080
PKGS = gcc meson ninja-build pkg-config python3 git bc libsqlite3-dev sqlite3 libjansson-dev \
       libcmocka-dev libmicrohttpd-dev libsodium-dev clang-format chromium \
       libgmime-3.0-dev libcurl4-openssl-dev libcairo2-dev libpango1.0-dev libutf8proc-dev \
       python3-aiosmtpd poppler-utils dovecot-imapd fonts-dejavu-core clang libclang-rt-14-dev \
       openssl curl zsh postgresql libpq-dev wrk \
       node=nodejs npm=npm

.PHONY: all deps build run check install uninstall fuzz format clean

all: build

deps:
	@scripts/deps.sh $(PKGS)

build: deps
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) >/dev/null
	@ninja -C $(BUILD) >/dev/null || ninja -C $(BUILD)

# Build, create a demo database with a demo login (once; an older one is upgraded, with a
# backup beside it) and serve it.
run: build
	@if [ -f $(DB) ]; then ./$(BUILD)/relm --db $(DB) init >/dev/null; else \
	  ./$(BUILD)/relm --db $(DB) init --demo && \
	  printf 'relm-demo\n' | ./$(BUILD)/relm --db $(DB) user add demo --role admin \
	    --full-name 'Demo User' --salesperson-code JO --password-stdin >/dev/null; fi
	@echo "relm is serving $(DB) at http://$(LISTEN)/ - sign in as demo / relm-demo (Ctrl-C stops;" \
	  "another address: LISTEN=127.0.0.1:9090 make run)"
	@./$(BUILD)/relm --db $(DB) serve --listen $(LISTEN)

check: deps
	@scripts/check.sh

# Install librelm (shared, soname librelm.so.0, and static), its headers, relm.pc, the relm
# tool, its man pages and bash and zsh completion under PREFIX (default /usr/local), staged under
# DESTDIR when given (packaging: make install PREFIX=/usr DESTDIR=debian/tmp).
PREFIX ?= /usr/local
install: build
	@[ "$$(meson introspect --buildoptions $(BUILD) | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')" = "$(PREFIX)" ] || \
	  meson configure $(BUILD) -Dprefix=$(PREFIX)
	@meson install -C $(BUILD) $(if $(DESTDIR),--destdir $(DESTDIR))

# Remove every file the last install wrote (meson's install log lists them all).
uninstall:
	@ninja -C $(BUILD) uninstall

# Every libFuzzer target for FUZZ_SECONDS each (default 600); `make check` runs them briefly.
FUZZ_SECONDS ?= 600
fuzz: deps
	@scripts/fuzz.sh $(FUZZ_SECONDS)

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) build-asan build-fuzz

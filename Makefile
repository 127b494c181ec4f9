# A thin layer over Meson: `make run` and `make check` are the two commands a new user needs.
BUILD ?= build
DB ?= demo.db
PKGS = gcc meson ninja-build pkg-config python3 git bc libsqlite3-dev sqlite3 libjansson-dev \
       libcmocka-dev libmicrohttpd-dev libsodium-dev clang-format

.PHONY: all deps build run check format clean

all: build

deps:
	@scripts/deps.sh $(PKGS)

build: deps
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) >/dev/null
	@ninja -C $(BUILD) >/dev/null || ninja -C $(BUILD)

# Build, create a demo database (once) and show what is in it.
run: build
	@[ -f $(DB) ] || ./$(BUILD)/relm --db $(DB) init --demo
	@./$(BUILD)/relm --db $(DB) contact list
	@echo
	@echo "Demo database: $(DB). Try: ./$(BUILD)/relm --db $(DB) help"

check: deps
	@scripts/check.sh

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) build-asan

#!/usr/bin/env bash
# relm serve over TLS (--tls-cert/--tls-key): https answers with the certificate, session
# cookies are Secure, plain http on the TLS port gets nothing, and wrong files are refused.
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || { not_ok "openssl is installed"; finish; }
command -v curl >/dev/null || { not_ok "curl is installed"; finish; }

expect_ok "init" init --demo
printf 'secret pass\n' | "$RELM" user add ann --role admin --password-stdin >/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=other" \
    -keyout "$T/other.pem" -out "$T/other-cert.pem" 2>/dev/null

PID=""
stop() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; PID=""; }
trap 'stop; cleanup' EXIT

"$RELM" serve --listen 127.0.0.1:0 --log-file off --tls-cert "$T/cert.pem" \
    --tls-key "$T/key.pem" >"$T/serve.out" 2>"$T/serve.err" &
PID=$!
# Ready once it says where it serves (seconds at most, also under sanitizers on a busy machine).
until=$((SECONDS + 60))
while [ "$SECONDS" -lt "$until" ]; do
    grep -q "serving" "$T/serve.out" 2>/dev/null && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
done
line=$(head -1 "$T/serve.out")
port=$(printf '%s' "$line" | sed -n 's|.*https://127\.0\.0\.1:\([0-9]*\)/.*|\1|p')
assert_eq "the start-up line names an https address" "1" "$([ -n "$port" ] && echo 1 || echo 0)"

code=$(curl -s -o "$T/h" -w '%{http_code}' --cacert "$T/cert.pem" "https://127.0.0.1:$port/healthz")
assert_eq "GET /healthz over https, verified against the certificate" "200" "$code"
curl -s -D "$T/hdr" -o /dev/null --cacert "$T/cert.pem" -H 'Content-Type: application/json' \
    -d '{"name":"ann","password":"secret pass"}' "https://127.0.0.1:$port/api/login"
assert_eq "a login over https sets a Secure session cookie" "1" \
    "$(grep -i '^set-cookie:' "$T/hdr" | grep -c '; Secure')"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/healthz")
assert_eq "plain http on the TLS port gets no answer" "000" "$code"
stop

expect_exit 1 "a key that is not the certificate's is refused" serve --listen 127.0.0.1:0 \
    --tls-cert "$T/cert.pem" --tls-key "$T/other.pem"
assert_eq "and says which files to check" "1" "$(printf '%s' "$ERR" | grep -c 'tls-key')"
expect_exit 2 "--tls-cert without --tls-key is a usage error" serve --listen 127.0.0.1:0 \
    --tls-cert "$T/cert.pem"
expect_exit 2 "a file that is not PEM is refused" serve --listen 127.0.0.1:0 \
    --tls-cert "$T/serve.out" --tls-key "$T/key.pem"
finish

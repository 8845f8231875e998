# Throw-away PostgreSQL cluster on loopback: `source scripts/pg.sh; pg_start; ...; pg_stop`.
# Exports CONGVAN_TEST_PG_URL. Runs the server as the `postgres` user when we are root.
# The port is PG_PORT when set, else a free one (several clusters can run side by side).
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
pg_start() {
  local bin; bin=$(pg_bin)
  if [ -z "$bin" ]; then echo "pg: PostgreSQL is not installed; store tests on PostgreSQL will be skipped"; return 0; fi
  PG_DIR=$(mktemp -d /tmp/congvan-pg.XXXXXX)
  PG_PORT=${PG_PORT:-$(pg_free_port)}
  local as=""
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$PG_DIR"; as="runuser -u postgres --"; fi
  if ! $as "$bin/initdb" -D "$PG_DIR/data" -U congvan --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null \
     || ! $as "$bin/pg_ctl" -D "$PG_DIR/data" -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" \
            -l "$PG_DIR/log" -w start >/dev/null \
     || ! $as "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U congvan congvan_test; then
    echo "pg: could not start PostgreSQL (log: $PG_DIR/log); store tests on PostgreSQL will be skipped"
    return 0
  fi
  export CONGVAN_TEST_PG_URL="postgresql+psycopg2://congvan@127.0.0.1:$PG_PORT/congvan_test"
  export PG_DIR PG_PORT PG_AS="$as" PG_BINDIR="$bin"
  echo "pg: started on 127.0.0.1:$PG_PORT"
}
pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  $PG_AS "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}

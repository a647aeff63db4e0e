#!/usr/bin/env bash
# Sourced by scripts/test-env.sh: a PostgreSQL cluster of the test run's own (Debian's
# postgresql package, installed when missing), initialised as the postgres user in a
# temporary folder, listening on a free loopback port, stopped and removed on exit.
# Sets PUSHGATE_TEST_DATABASE_URL (a superuser URL: tests make a database or schema each),
# and PUSHGATE_TEST_POSTGRES_CTL: a command taking pg_ctl's action (stop, start), for the
# tests that restart the database under load.

postgres_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

start_postgres() {
  local bindir port
  bindir=$(postgres_bindir) || die "PostgreSQL's initdb was not found (Debian package postgresql)"
  id postgres >/dev/null 2>&1 || die "there is no postgres user (Debian package postgresql makes it)"
  postgres_dir=$(mktemp -d /tmp/pushgate-postgres.XXXXXX)
  chown postgres:postgres "$postgres_dir"
  port=$(free_port)
  runuser -u postgres -- "$bindir/initdb" -D "$postgres_dir/data" -U postgres -A trust \
    -E UTF8 --locale=C.UTF-8 >"$postgres_dir/initdb.log" 2>&1 ||
    { cat "$postgres_dir/initdb.log" >&2; die "initdb failed"; }
  runuser -u postgres -- "$bindir/pg_ctl" -D "$postgres_dir/data" -l "$postgres_dir/postgres.log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $postgres_dir -c max_connections=300" \
    -w -t 60 start >/dev/null ||
    { cat "$postgres_dir/postgres.log" >&2; die "PostgreSQL did not start"; }
  postgres_bin=$bindir
  PUSHGATE_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  PUSHGATE_TEST_POSTGRES_CTL="runuser -u postgres -- $bindir/pg_ctl -D $postgres_dir/data -l $postgres_dir/postgres.log -w -t 60 -o '-c listen_addresses=127.0.0.1 -p $port -k $postgres_dir -c max_connections=300'"
}

stop_postgres() {
  [ -n "${postgres_dir:-}" ] || return 0
  runuser -u postgres -- "$postgres_bin/pg_ctl" -D "$postgres_dir/data" -m immediate -w stop \
    >/dev/null 2>&1 || true
  rm -rf "$postgres_dir"
}

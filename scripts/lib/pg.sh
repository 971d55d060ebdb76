# Sourced by the benchmarks that make a scratch database.
# `database_dsn DSN NAME`: the PostgreSQL URL DSN with its database replaced by NAME.
database_dsn() {
    python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$1" "$2"
}

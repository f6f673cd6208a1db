#!/usr/bin/env bash
# Starts the local services the tests need when they are down (this machine kind starts them
# before each session; CI and fresh machines may find them stopped), and installs the Debian
# packages the tests use when they are missing. Idempotent and quick when all is up.
set -uo pipefail

log() { printf '[services] %s\n' "$*"; }

# Debian packages the test suite needs (a line per package: name and a command it provides).
DEBIAN_PACKAGES=(
  "postgresql-client:psql"
  "chromium:/usr/bin/chromium"
  "openssh-server:/usr/sbin/sshd"
  "openssh-client:ssh-keygen"
  "openssl:openssl"
  # Reliability tests start throwaway servers of their own (never restarting the shared ones).
  "redis-server:redis-server"
  "postgresql-15:/usr/lib/postgresql/15/bin/initdb"
  "util-linux:runuser"
)

missing=()
for entry in "${DEBIAN_PACKAGES[@]}"; do
  pkg=${entry%%:*}; cmd=${entry#*:}
  command -v "$cmd" >/dev/null 2>&1 || [ -x "$cmd" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || log "apt-get install failed for: ${missing[*]}"
fi

if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
fi

if command -v redis-cli >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.2; done
fi

# The test database exists on this machine kind; create it where it does not.
if command -v psql >/dev/null 2>&1; then
  psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" 2>/dev/null | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -d postgres -c 'CREATE DATABASE test' >/dev/null 2>&1 || true
fi

# MariaDB, RabbitMQ, Mosquitto and NATS: the connector adapter tests query and publish to them.
# Same start commands as this machine kind uses before a session.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1; }
wait_port() { for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done; log "port $1 is still closed"; }
if ! port_open 3306 && [ -x /usr/sbin/mariadbd ]; then
  log "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd >/dev/null 2>&1 || true
  wait_port 3306
fi
if ! port_open 5672 && command -v rabbitmq-server >/dev/null 2>&1; then
  log "starting RabbitMQ"
  rabbitmq-server -detached >/dev/null 2>&1 || true
  wait_port 5672
fi
if ! port_open 1883 && command -v mosquitto >/dev/null 2>&1; then
  log "starting Mosquitto"
  mosquitto -d -c /etc/mosquitto/mosquitto.conf >/dev/null 2>&1 || true
  wait_port 1883
fi
if ! port_open 4222 && [ -x /usr/sbin/nats-server ]; then
  log "starting NATS"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log >/dev/null 2>&1 || true
  wait_port 4222
fi
exit 0

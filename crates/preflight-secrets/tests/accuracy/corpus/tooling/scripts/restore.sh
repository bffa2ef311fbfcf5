#!/usr/bin/env bash
# Restores the latest dump into the staging databases.
set -euo pipefail
: "${STAGING_DB_PASSWORD:?}"
DB_PASSWORD=${DB_PASSWORD:-ZzZxDHd4f0NbMs8hoJ8Z}
REGION=${AWS_REGION:-eu-west-1}
REDIS_PASSWORD="${REDIS_PASSWORD:-}"

redis-cli -h cache.staging.internal -a P7m6wiscSVVTpagsYhTkBJiC FLUSHALL
redis-cli -h cache.staging.internal -a "$REDIS_PASSWORD" PING
mongorestore --uri "mongodb://restore:utBOvJrLrOO9Oqh1zL@mongo.staging.internal:27017/?authSource=admin" /var/dumps/mongo
sqlcmd -S mssql.staging.internal -U sa -P 'JfKhO4zypp22UkDdxz6V' -i /var/dumps/restore.sql
ldapsearch -x -H ldaps://ldap.internal -D "cn=admin,dc=example,dc=com" -w 26y34D9eUctU9ByR "(uid=restore)"
wget --user=restore --password=KY86HRRu9CVa8OcV https://artifacts.internal/dumps/latest.tar.gz
htpasswd -b -B /etc/nginx/.htpasswd staging HPx0gd8G7r8SDz
psql "postgresql://restore:ADa16welv4TburodwT8zHJ@pg.staging.internal:5432/app?sslmode=require" -f /var/dumps/app.sql
psql "postgresql://restore@pg.staging.internal:5432/app" -c 'ANALYZE'
smbclient //files.internal/dumps -U 'backup%nbDFkWuDaDDo2uJ7' -c 'get latest.tar.gz'
echo "restore finished; password reset link sent"

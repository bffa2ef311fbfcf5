#!/usr/bin/env bash
# Restores the latest dump into the staging databases.
set -euo pipefail
: "${STAGING_DB_PASSWORD:?}"
DB_PASSWORD=${DB_PASSWORD:-a3o0y6wh4OrCFSFyp5S3}
REGION=${AWS_REGION:-eu-west-1}
REDIS_PASSWORD="${REDIS_PASSWORD:-}"

redis-cli -h cache.staging.internal -a av9lToiyTaEhZWGP0muvg1ct FLUSHALL
redis-cli -h cache.staging.internal -a "$REDIS_PASSWORD" PING
mongorestore --uri "mongodb://restore:v9l3ZsUNl2UnZvg1fr@mongo.staging.internal:27017/?authSource=admin" /var/dumps/mongo
sqlcmd -S mssql.staging.internal -U sa -P '9xO8Y8vwbN058O2cjwQ2' -i /var/dumps/restore.sql
ldapsearch -x -H ldaps://ldap.internal -D "cn=admin,dc=example,dc=com" -w 1yBUcUPHJ1wsXxhA "(uid=restore)"
wget --user=restore --password=ZEdopOfE4hKGQuOn https://artifacts.internal/dumps/latest.tar.gz
htpasswd -b -B /etc/nginx/.htpasswd staging 0ZXaeLrdQdpFtR
psql "postgresql://restore:lAR1zHtCsc8eSNSmbqvnOu@pg.staging.internal:5432/app?sslmode=require" -f /var/dumps/app.sql
psql "postgresql://restore@pg.staging.internal:5432/app" -c 'ANALYZE'
smbclient //files.internal/dumps -U 'backup%HH2H49jspYcsXNc6' -c 'get latest.tar.gz'
echo "restore finished; password reset link sent"

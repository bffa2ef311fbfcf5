#!/usr/bin/env bash
# Nightly backup of the shop database to the NAS and the offsite bucket.
set -euo pipefail

DATE=$(date +%F)
DUMP=/var/backups/shop-$DATE.sql.gz

mysqldump -h db1.internal -u backup -pq8nkwqnbSWs5N0Fu --single-transaction shop | gzip > "$DUMP"
mysql -u root -p"$MYSQL_ROOT_PASSWORD" -e 'FLUSH LOGS'
mysql -u report --password=2VX84qvOzBvMqQ -h db2.internal shop < /opt/sql/nightly.sql
mysql -u root -p shop < /opt/sql/migrate.sql

sshpass -p 'APnvaMUKzcJfU0' scp "$DUMP" backup@nas.internal:/volume1/backups/
sshpass -e ssh backup@nas.internal 'find /volume1/backups -mtime +30 -delete'

curl -fsS -u backup:pWHDJyAbZErbRJ6IkGsd -T "$DUMP" "https://webdav.nas.internal/backups/"
curl -fsS -u "$WEBDAV_USER:$WEBDAV_PASSWORD" -X PROPFIND https://webdav.nas.internal/backups/
curl -fsS --user "ci:yfetGWFBre5lTw7NIACtLkDE" https://jenkins.internal/job/backup-verify/build

lftp -e "put $DUMP; bye" ftp://offsite:VFuMVCMvgjV5cU8i@ftp.offsite.example.net/shop/
PGPASSWORD=U1TJHnzDAGuFp2nDYoHs psql -h reports.internal -U reporter -c 'REFRESH MATERIALIZED VIEW daily_sales'
PGPASSWORD="$REPORTS_PASSWORD" psql -h reports.internal -U reporter -c 'VACUUM ANALYZE'

aws s3 cp "$DUMP" "s3://shop-backups/$DATE/" --sse aws:kms
echo "backup done: $DUMP ($(du -h "$DUMP" | cut -f1))"

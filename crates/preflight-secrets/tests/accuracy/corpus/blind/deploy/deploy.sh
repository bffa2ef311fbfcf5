#!/usr/bin/env bash
set -euo pipefail

export HEROKU_API_KEY=HRKU-AAgWQ6JKJMaNj2dOSs0oZthKPbQu5Deds5CsVOjkj4Rq1DcwDLDpG-aezMTy
export CLOUDFLARE_API_TOKEN="DMRbYBpZR7UBxbPe2cFiZQN5wvBsxrScFdsrEHxd"
export DIGITALOCEAN_ACCESS_TOKEN=doo_v1_67012f18b70a22cddaee22e4c4f38bde23988b56d35660551e74406c1c22de87

mysqldump -h db.internal -u backup -p'HgsK#iCeoZPnGB7%' shop > /backups/shop.sql
mysql -uroot -paO4v2n5swMkZKXRFFaf6MIY9 -e "FLUSH PRIVILEGES"
sshpass -p 'byag1j7A0C*PPAIAy!' rsync -az dist/ deploy@web-01.internal:/srv/shop/
curl -fsS -u "admin:jXW08tUK4qE3htkZ" https://jenkins.internal/job/shop/build
curl -H "Authorization: Bearer HRe95NRV3ar3az2QLCcdILRJ9tcctPLT_UBql-ELFSA" https://api.internal/v1/deploys
curl -H "PRIVATE-TOKEN: $GITLAB_TOKEN" https://gitlab.acme-retail.io/api/v4/projects
docker login -u acmebot -p dckr_pat_CopPvO0yzxPUWHj8hZ4kjUEAsYM docker.io
PGPASSWORD=N0AFcU6DfPfwUWcv psql -h pg.internal -U shop -c 'select 1'
psql "postgresql://shop:${DB_PASSWORD}@pg.internal/shop" -c 'vacuum'
read -rsp "Password: " password

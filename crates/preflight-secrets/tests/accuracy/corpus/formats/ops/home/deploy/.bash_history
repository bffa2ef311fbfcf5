ls -la
cd /srv/app
git pull
export AWS_ACCESS_KEY_ID=AKIAIWK6NA3KTDN22S4F
export AWS_SECRET_ACCESS_KEY=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
aws s3 ls s3://acme-backups/
mysql -h db1.prod.acme.internal -u root -pLove!oQEYvDzS-S shop
psql "postgresql://admin:5HwSBHRkF2OLjQ~mGg@db2.prod.acme.internal:5432/shop?sslmode=require"
PGPASSWORD=8W~b6Ir84rRh.Uv4IY pg_dump -h db2.prod.acme.internal -U admin shop > /tmp/shop.sql
redis-cli -h cache1 -a qGeMzvm.djJpXXuClH INFO
git clone https://acme-ci: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@github.com/acme/infra.git
curl -H "X-Shopify-Access-Token: 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" https://acme.myshopify.com/admin/api/2024-10/orders.json
docker login -u acmebot -p dckr_pat_Ty5ML1yVzERdW24LeJjiswdN0R7
history | grep ssh
echo $DATABASE_URL
sudo systemctl restart app
vault login -method=userpass username=ops password=aAVz8akA7VGmIzY63aX5
kubectl create secret generic api --from-literal=token=KvvGIcu9F4GFhqj3KeFGwMjNXKknPrtEPXg254Rc
git log -1 --format=%H
git checkout 444bcc03c0e33aa207c1b9db6f3b3959f47de267

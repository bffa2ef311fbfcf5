from ftplib import FTP_TLS
import paramiko

ftp = FTP_TLS("ftp.partner-feeds.net")
ftp.login("acme_feeds", "Ru5q0xgkyT.ka4gai5l#")

MIRROR = "ftp://mirror:9EU4RT8FslZ8n6aM@files.partner-feeds.net/outgoing/"

ssh = paramiko.SSHClient()
ssh.connect("bastion.acme-retail.io", username="deploy", password="JR.ZjwDAzfXtLePUp!")

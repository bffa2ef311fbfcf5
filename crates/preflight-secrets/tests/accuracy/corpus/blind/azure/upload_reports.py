from azure.storage.blob import BlobServiceClient, ContainerClient

ACCOUNT_URL = "https://acmereports.blob.core.windows.net"
SAS_URL = "https://acmereports.blob.core.windows.net/exports?sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2027-06-30T18:00:00Z&st=2026-01-01T00:00:00Z&spr=https&sig=9vuSo8DoMO8YhO%2Fqr3KEPra%2Fac5bTV2v9gXctEGJ6oc%3D"
CONN = "DefaultEndpointsProtocol=https;AccountName=acmereports;AccountKey=TSkL3bTLkD19QtnXn3ixO6ab34WQyFo2+U3OqkBVzX1RvG7ue9EOC9g1wXLoCHiRAtoYBFMn4ELd7GgAboRkbA==;EndpointSuffix=core.windows.net"
DEV_CONN = "UseDevelopmentStorage=true"
AZURITE = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"

client = BlobServiceClient.from_connection_string(CONN)

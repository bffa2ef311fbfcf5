import braintree
import razorpay
import stripe
from adyen import Adyen
from square.client import Client as SquareClient

stripe.api_key = "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"

braintree_gateway = braintree.BraintreeGateway(
    access_token="access_token$production$26o9uejaqr6jpy3z$9ff1ede4b246308aebb57f535a822950"
)

square = SquareClient(
    access_token="EAAA8HCi0Uv6fi1R9TsrfV6y2ZHAOqBhkofIyCeXjnq-qpZbC34s_YrQYTEPsIm-",
    environment="production",
)
SQUARE_APP_SECRET = "sq0csp-1Wxwz05kq__H-knTDkc5wnoZkecDifGe3e7io90h7Vm"

adyen = Adyen()
adyen.client.xapikey = "AQEsnqdNKzkRa2myBrNECtN5AbFHY5OGGw+mZe0ljDryau2v/mxDqhdWe6r+/fepghKpXMFPtEMU1PALGfq2ylFSyTUPUq80M4PlxH9VOy7jg9KWseYrgj3bVn2Yea1I05f9rojrCRvbN5nlsPCVt=-zkAiU2b6OyNWsWgEqiFvQONFW+R08KMvgGSHGwHIyWY=-l5STMTdQhU"
adyen.client.platform = "live"

razorpay_client = razorpay.Client(auth=("rzp_live_8YgHghVqilGr5L", "5F4MeiKoWvjAqCeXqCmOmlFs"))

PAYPAL_CLIENT_ID = "P9oiHwKrzytz5B072PJQLOy_B6lsA13zxKVlUl95owQwiO-JODNy6El99w13xnQa2TgkxCYAapThdEDH"
PAYPAL_CLIENT_SECRET = "Nphrl6doktpqtEeiOX91vdfJ-EVbp9ZIZJqalISmtUFwGlNsmi4YMpMw68Xj1Kwm5_-xXjq_zGF9-ei7"


def charge(order_id: str, amount_cents: int, idempotency_key: str) -> str:
    intent = stripe.PaymentIntent.create(amount=amount_cents, currency="eur", idempotency_key=idempotency_key)
    return intent.id

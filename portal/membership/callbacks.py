"""Gateway callbacks (django-payments' views), answered with 400 when they cannot be verified.

django-payments lets a gateway library's own errors through (a forged Stripe signature raises
`SignatureVerificationError`, an unreadable body `ValueError`), which would answer 500 and make
the gateway retry. A callback that cannot be verified changes nothing and gets a 400 with a reason.
"""

import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from payments import PaymentError
from payments import urls as gateway

logger = logging.getLogger(__name__)


def _unverifiable() -> tuple[type[BaseException], ...]:
    kinds: list[type[BaseException]] = [ValueError, PaymentError]
    try:
        import stripe

        kinds.append(stripe.SignatureVerificationError)
    except ImportError:  # only the gateways that are installed can raise their errors
        pass
    return tuple(kinds)


def _guarded(view, request, **kwargs):
    try:
        return view(request, **kwargs)
    except NotImplementedError:  # a gateway (the dummy one) that takes no callbacks at this address
        return JsonResponse({"error": "This payment method takes no callbacks at this address."}, status=404)
    except _unverifiable() as error:
        logger.warning("Payment callback refused (%s): %s", type(error).__name__, error, exc_info=True)
        return JsonResponse({"error": "The callback could not be verified."}, status=400)


@csrf_exempt
def process_payment(request, token):
    return _guarded(gateway.process_data, request, token=str(token))


@csrf_exempt
def static_process_payment(request, variant):
    return _guarded(gateway.static_callback, request, variant=variant)

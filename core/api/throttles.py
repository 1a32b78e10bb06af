"""API rate limits keyed by the real client address (core.clientip), not a forgeable header."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.clientip import client_address


class ClientAddressMixin:
    def get_ident(self, request):
        return client_address(request)


class AnonThrottle(ClientAddressMixin, AnonRateThrottle):
    pass


class UserThrottle(ClientAddressMixin, UserRateThrottle):
    pass

class ThaiFirstMiddleware:
    """Thai unless the user chose English with the language switch.

    Many Thai officials use browsers set to English; the portal still opens in Thai. The
    switch's cookie (set by ``set_language``) is what changes the language, so this drops the
    browser's Accept-Language header before LocaleMiddleware reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)

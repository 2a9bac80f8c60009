"""Site-wide views that belong to no app."""

from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's): send them the site's.

    Not a permanent redirect: the static file's hashed name changes when the icon does.
    """
    return HttpResponseRedirect(static("favicon.svg"))

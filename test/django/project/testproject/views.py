"""Plain Django views (contrib.auth's functions, no templates): what a Django project does."""
from html import escape

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.http import require_POST


def _page(request, body):
    shown = "".join("<p class=message>%s</p>" % escape(str(m)) for m in messages.get_messages(request))
    return HttpResponse("<!doctype html><title>Django</title>%s%s" % (shown, body))


def _form(request, action, fields):
    inputs = "".join('<input name="%s">' % name for name in fields)
    token = '<input type="hidden" name="csrfmiddlewaretoken" value="%s">' % get_token(request)
    return '<form method="post" action="%s">%s%s<button>Go</button></form>' % (action, token, inputs)


def login_view(request):
    if request.method == "POST":
        user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
        if user is not None:
            login(request, user)
            return HttpResponseRedirect(request.POST.get("next") or "/dj/private/")
        return _page(request, "<p>Please enter a correct username and password.</p>" + _form(request, "/dj/login/", ["username", "password"]))
    return _page(request, _form(request, "/dj/login/", ["username", "password"]))


@require_POST
def logout_view(request):
    logout(request)
    messages.success(request, "You have been logged out.")
    return HttpResponseRedirect(request.POST.get("next") or "/dj/login/")


@login_required
def private(request):
    return _page(request, "<p>Hello %s</p>" % escape(request.user.username))


@login_required
def password_change(request):
    if request.method == "POST":
        form = PasswordChangeForm(request.user, request.POST)
        if form.is_valid():
            user = form.save()
            update_session_auth_hash(request, user)
            return HttpResponseRedirect("/dj/private/")
        return HttpResponse("invalid: %s" % escape(form.errors.as_text()), status=400)
    return _page(request, _form(request, "/dj/password_change/", ["old_password", "new_password1", "new_password2"]))


def whoami(request):
    """What Django sees: the user, the session's expiry, and pending messages (consumed)."""
    user = request.user.username if request.user.is_authenticated else None
    shown = [str(m) for m in messages.get_messages(request)]
    return JsonResponse({"user": user, "messages": shown})


def form(request):
    """A page with a CSRF-protected form (the token Latchkey must accept)."""
    return _page(request, _form(request, "/dj/csrf-post/", ["value"]))


@require_POST
def csrf_post(request):
    """Passes Django's CSRF check or never runs (403)."""
    return JsonResponse({"ok": True})

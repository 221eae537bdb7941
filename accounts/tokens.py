"""API tokens (django-rest-knox): issue, authenticate, list, revoke.

Only a hash of a token is stored (knox). A token stops working:

* ``API_TOKEN_MAX_AGE_HOURS`` after it was issued (knox's ``TOKEN_TTL``: the ``expiry`` column);
* after ``API_TOKEN_IDLE_HOURS`` without a request (``last_used``, moved at most once every
  knox ``MIN_REFRESH_INTERVAL`` seconds so that a busy script costs no write per request);
* when its user's password changes (by the user, a reset link, a set-password link, the admin,
  a re-issued one-time password), the user is deactivated, the user gains a role that requires
  two-factor authentication, or enrols an authenticator (``revoke_all``, from the receivers at
  the bottom and from the services);
* when it logs out (``POST /api/v1/auth/logout/``), or its owner revokes it on the page
  "โทเคน API" or through ``/api/v1/auth/tokens/``.

A token of a user who must use two-factor authentication works only if it was issued after a
code (``second_factor``): checked on every request, in the query that finds the token, so that a
role given by any path (even one that sends no signal) cannot keep a token issued without one.
"""

from __future__ import annotations

import binascii
import datetime
from hmac import compare_digest

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

from . import audit
from .exceptions import NotAllowed
from .models import ApiToken, Membership, User

USER_AGENT_LENGTH = 200


def idle_limit() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.API_TOKEN_IDLE_HOURS)


def _usable(now: datetime.datetime) -> Q:
    """Tokens neither past their expiry nor idle for longer than the idle limit."""
    idle_since = now - idle_limit()
    return (Q(expiry__isnull=True) | Q(expiry__gt=now)) & (
        Q(last_used__gt=idle_since) | Q(last_used__isnull=True, created__gt=idle_since)
    )


def _requires_two_factor():
    roles = list(settings.TWO_FACTOR_REQUIRED_ROLES)
    if not roles:
        return Value(False)
    return Exists(Membership.objects.filter(user=OuterRef("user_id"), is_active=True,
                                            role__in=roles))


# --- Issue, list, revoke ---------------------------------------------------------------------


@transaction.atomic
def issue(*, user: User, second_factor: bool, user_agent: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user`` (who has just given the password, and the code where one is
    needed: accounts.api.obtain_token). Returns the row and the token, shown this once."""
    now = timezone.now()
    ApiToken.objects.filter(user=user).exclude(_usable(now)).delete()
    return ApiToken.objects.create(user=user, second_factor=second_factor,
                                   user_agent=(user_agent or "")[:USER_AGENT_LENGTH])


def tokens_of(user) -> list[ApiToken]:
    """The user's working tokens, newest first, with when each stops working at the latest."""
    now = timezone.now()
    tokens = list(ApiToken.objects.filter(user=user).filter(_usable(now)).order_by("-created"))
    for token in tokens:
        idle_until = (token.last_used or token.created) + idle_limit()
        token.ends = min(idle_until, token.expiry) if token.expiry else idle_until
    return tokens


@transaction.atomic
def revoke(*, actor, public_id) -> None:
    """The owner revokes one of their tokens. Someone else's token, or one that does not exist,
    is refused alike."""
    token = ApiToken.objects.filter(public_id=public_id, user_id=getattr(actor, "pk", None)).first()
    if token is None:
        raise NotAllowed()
    token.delete()
    audit.record("api_token.revoke", actor=actor, target=actor, reason="owner")


def revoke_all(user, *, reason: str, actor=None) -> int:
    """Every token of ``user`` stops working; audited when there was one."""
    deleted, _rows = ApiToken.objects.filter(user_id=user.pk).delete()
    if deleted:
        audit.record("api_token.revoke_all", actor=actor, target=user, reason=reason,
                     count=deleted)
    return deleted


# --- Authentication ----------------------------------------------------------------------------


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's ``Authorization: Token …``, with the idle limit and the two-factor rule. One query
    finds the token, its user and whether the user must use two-factor authentication; a second
    one (at most once a minute per token) notes the use."""

    message = _("โทเคน API ไม่ถูกต้อง หมดอายุ หรือถูกยกเลิกแล้ว กรุณาขอโทเคนใหม่")

    def authenticate_credentials(self, token):
        try:
            token = token.decode("utf-8")
            digest = hash_token(token)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed(self.message) from None
        candidates = (ApiToken.objects.filter(token_key=token[:CONSTANTS.TOKEN_KEY_LENGTH])
                      .select_related("user")
                      .annotate(two_factor_required=_requires_two_factor()))
        found = next((c for c in candidates if compare_digest(digest, c.digest)), None)
        if found is None:
            raise exceptions.AuthenticationFailed(self.message)
        now = timezone.now()
        if self._refused(found, now):
            found.delete()
            raise exceptions.AuthenticationFailed(self.message)
        if (found.last_used is None
                or (now - found.last_used).total_seconds() >= knox_settings.MIN_REFRESH_INTERVAL):
            ApiToken.objects.filter(pk=found.pk).update(last_used=now)
            found.last_used = now
        return self.validate_user(found)

    @staticmethod
    def _refused(token: ApiToken, now) -> bool:
        if token.expiry is not None and token.expiry <= now:
            return True
        if (token.last_used or token.created) + idle_limit() <= now:
            return True
        if not token.user.is_active:
            return True
        return bool(token.two_factor_required and not token.second_factor)

    def validate_user(self, auth_token):
        return auth_token.user, auth_token


# --- Receivers: what ends every token of a user ------------------------------------------------

_WATCHED_USER_FIELDS = {"password", "is_active"}


@receiver(pre_save, sender=User, dispatch_uid="accounts.tokens.user_before")
def _remember_credentials(sender, instance, update_fields=None, raw=False, **kwargs):
    instance._tokens_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not _WATCHED_USER_FIELDS & set(update_fields):
        return
    instance._tokens_before = (User.objects.filter(pk=instance.pk)
                               .values_list("password", "is_active").first())


@receiver(post_save, sender=User, dispatch_uid="accounts.tokens.user_after")
def _credentials_changed(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_tokens_before", None)
    instance._tokens_before = None
    if raw or created or before is None:
        return
    password, was_active = before
    if password != instance.password:
        revoke_all(instance, reason="password_changed")
    elif was_active and not instance.is_active:
        revoke_all(instance, reason="deactivated")


@receiver(pre_save, sender=Membership, dispatch_uid="accounts.tokens.membership_before")
def _remember_role(sender, instance, raw=False, **kwargs):
    instance._tokens_required_before = False
    if raw or instance._state.adding or instance.pk is None:
        return
    row = Membership.objects.filter(pk=instance.pk).values_list("role", "is_active").first()
    instance._tokens_required_before = bool(
        row and row[1] and row[0] in settings.TWO_FACTOR_REQUIRED_ROLES)


@receiver(post_save, sender=Membership, dispatch_uid="accounts.tokens.membership_after")
def _role_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    required_now = instance.is_active and instance.role in settings.TWO_FACTOR_REQUIRED_ROLES
    if required_now and not getattr(instance, "_tokens_required_before", False):
        revoke_all(instance.user, reason="two_factor_role")


@receiver(user_logged_out, dispatch_uid="accounts.tokens.logged_out")
def _logged_out(sender, request=None, user=None, **kwargs):
    """An API logout ends the token it was made with (a browser's logout ends its session
    only: the tokens are listed on the page "โทเคน API")."""
    token = getattr(request, "auth", None)
    if isinstance(token, ApiToken):
        ApiToken.objects.filter(pk=token.pk).delete()
        audit.record("api_token.revoke", actor=user, target=user, reason="logout")


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI schema's name for this authentication (drf-spectacular finds extensions by
    their target class; knox's own is for knox's class only)."""

    target_class = "accounts.tokens.TokenAuthentication"
    name = "tokenAuth"

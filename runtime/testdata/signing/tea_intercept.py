"""How the vector scripts stop an official Tea SDK (alibabacloud-tea-openapi on darabonba)
right before its HTTP send, with its clock, nonce and user agent fixed and every stage of
its V3 signing recorded from its own helpers. Shared by make_vectors.py (Live, RPC) and
make_roa_vectors.py (ACK, ROA); both run from this folder.
"""

import contextlib
import datetime


class Captured(BaseException):
    """Raised from the intercepted HTTP send to leave the SDK without a network call."""


def iso(ts):
    # Same strftime pattern the SDKs use for their timestamps.
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def plain_credential(access_key_id, access_key_secret, token):
    """A credential object the SDK accepts, without its credential client's extra header."""
    from alibabacloud_credentials import models as credential_models

    class PlainCredential:
        def get_credential(self):
            return credential_models.CredentialModel(
                access_key_id=access_key_id, access_key_secret=access_key_secret,
                security_token=token, type="access_key")

    return PlainCredential()


@contextlib.contextmanager
def intercepted(ts, nonce, user_agent):
    """Inside the block the SDK's timestamp is `ts` (Unix seconds), its nonce `nonce`, its
    user agent `user_agent(ua)`, and its send raises `Captured`. Yields what it saw:
    `hash_inputs` and `signed` (every input of its hash and HMAC functions), `request`
    and `url` (the request it would have sent). Everything is restored on the way out."""
    import alibabacloud_tea_openapi.utils as tea_utils
    from darabonba.core import DaraCore

    Utils = tea_utils.Utils
    seen = {"hash_inputs": [], "signed": []}
    saved = (Utils.get_timestamp, Utils.get_nonce, Utils.get_user_agent, Utils.hash,
             tea_utils.signature_method, DaraCore.do_action)
    orig_hash = Utils.hash
    orig_sig = tea_utils.signature_method

    def hash_spy(raw, sign_type):
        seen["hash_inputs"].append(bytes(raw))
        return orig_hash(raw, sign_type)

    def sig_spy(secret, source, sign_type):
        seen["signed"].append(source)
        return orig_sig(secret, source, sign_type)

    def do_action(request, runtime_option=None):
        seen["request"] = request
        seen["url"] = DaraCore.compose_url(request)
        raise Captured()

    Utils.get_timestamp = staticmethod(lambda: iso(ts))
    Utils.get_nonce = staticmethod(lambda: nonce)
    Utils.get_user_agent = staticmethod(user_agent)
    Utils.hash = staticmethod(hash_spy)
    tea_utils.signature_method = sig_spy
    DaraCore.do_action = staticmethod(do_action)
    try:
        yield seen
    finally:
        (Utils.get_timestamp, Utils.get_nonce, Utils.get_user_agent, Utils.hash,
         tea_utils.signature_method, DaraCore.do_action) = (
            staticmethod(saved[0]), staticmethod(saved[1]), staticmethod(saved[2]),
            staticmethod(saved[3]), saved[4], staticmethod(saved[5]))

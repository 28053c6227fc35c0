"""An independent SigV4 signer for DynamoDB requests, for tests that need
what an SDK will not produce: a stale clock, a header left unsigned."""
import datetime
import hashlib
import hmac


def sign(host, key_id, secret, target, payload, when=None, region="us-east-1",
         signed=("content-type", "host", "x-amz-date", "x-amz-target")):
    """The headers of a POST / to DynamoDB (host "127.0.0.1:8000", target
    "GetItem", payload bytes), signed at `when` (default now) over `signed`."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    values = {"content-type": "application/x-amz-json-1.0", "host": host, "x-amz-date": amz_date,
              "x-amz-target": "DynamoDB_20120810." + target}
    names = sorted(signed)
    canonical = "\n".join(["POST", "/", "", *[f"{n}:{values[n]}" for n in names], "", ";".join(names),
                           hashlib.sha256(payload).hexdigest()])
    scope = f"{date}/{region}/dynamodb/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (date, region, "dynamodb", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers = dict(values)
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={';'.join(names)}, "
                                f"Signature={signature}")
    return headers

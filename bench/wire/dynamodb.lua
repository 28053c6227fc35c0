-- wrk script: one DynamoDB JSON 1.0 request, signed-looking (any key is
-- accepted by townhall dynamodb and DynamoDB Local by default).
-- OPERATION and BODY come from the environment (defaults: GetItem of one item).
local operation = os.getenv("OPERATION") or "GetItem"
wrk.method = "POST"
wrk.path = "/"
wrk.body = os.getenv("BODY") or '{"TableName":"bench","Key":{"PK":{"S":"USER#1"}}}'
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Target"] = "DynamoDB_20120810." .. operation
wrk.headers["X-Amz-Date"] = "20240101T000000Z"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=dummy/20240101/us-east-1/dynamodb/aws4_request, "
  .. "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000"

-- wrk script: one DynamoDB JSON 1.0 workload against table "bench"
-- (PK, SK strings) seeded by seed.py. WORKLOAD picks it:
--   get     GetItem of one 100-byte item
--   put     PutItem of a new item per request (keys never repeat)
--   add     UpdateItem "ADD MessageCount :one" on one counter item
--   query   Query of the 50 items of one partition
-- The Authorization header is signed-looking: every peer here accepts any key.
local workload = os.getenv("WORKLOAD") or "get"
local targets = { get = "GetItem", put = "PutItem", add = "UpdateItem", query = "Query" }
assert(targets[workload], "WORKLOAD must be get, put, add or query")

wrk.method = "POST"
wrk.path = "/"
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Target"] = "DynamoDB_20120810." .. targets[workload]
wrk.headers["X-Amz-Date"] = "20240101T000000Z"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=dummy/20240101/us-east-1/dynamodb/aws4_request, "
  .. "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
  .. "Signature=0000000000000000000000000000000000000000000000000000000000000000"

local bodies = {
  get = '{"TableName":"bench","Key":{"PK":{"S":"USER#1"},"SK":{"S":"PROFILE"}}}',
  add = '{"TableName":"bench","Key":{"PK":{"S":"CHAN#1"},"SK":{"S":"META"}},'
    .. '"UpdateExpression":"ADD MessageCount :one","ExpressionAttributeValues":{":one":{"N":"1"}}}',
  query = '{"TableName":"bench","KeyConditionExpression":"PK = :p AND begins_with(SK, :m)",'
    .. '"ExpressionAttributeValues":{":p":{"S":"CHAN#1"},":m":{"S":"MSG#"}}}',
}
wrk.body = bodies[workload]

-- PutItem: a fresh key per request. Threads get distinct prefixes in setup().
local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("prefix", tostring(thread_count) .. "-" .. tostring(os.time()))
end

local sent = 0
function request()
  if workload ~= "put" then return wrk.format() end
  sent = sent + 1
  local body = '{"TableName":"bench","Item":{"PK":{"S":"PUT#' .. prefix .. '#' .. sent .. '"},'
    .. '"SK":{"S":"MSG#' .. sent .. '"},"Author":{"S":"USER#1"},'
    .. '"Msg":{"S":"a message of about the size a chat message has, for the benchmark"}}}'
  return wrk.format(nil, nil, nil, body)
end

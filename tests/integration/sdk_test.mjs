// The AWS SDK for JavaScript v3 (@aws-sdk/client-dynamodb and the
// document client in @aws-sdk/lib-dynamodb) against townhall dynamodb:
// table lifecycle, CRUD, conditional writes, batch writes, and pagination
// of Query and Scan with the SDK's paginators. Run with node's test runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { withDynamodb } from '../support/townhall.mjs';

const require = createRequire(import.meta.url);
function load(name) {
  try {
    return require(name);
  } catch (e) {
    const message = `test peer missing: ${name} (scripts/install-deps runs npm ci)`;
    if (process.env.CI === 'true') throw new Error(message);
    return null;
  }
}
const ddb = load('@aws-sdk/client-dynamodb');
const lib = load('@aws-sdk/lib-dynamodb');

function clients(endpoint) {
  const client = new ddb.DynamoDBClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'dummy', secretAccessKey: 'dummy' },
    maxAttempts: 1,
  });
  return { client, doc: lib.DynamoDBDocumentClient.from(client) };
}

test('CRUD and pagination through the AWS SDK v3', { skip: !ddb || !lib ? 'peer missing' : false }, async () => {
  await withDynamodb(async (endpoint) => {
    const { client, doc } = clients(endpoint);
    try {
      const created = await client.send(new ddb.CreateTableCommand({
        TableName: 'chat',
        AttributeDefinitions: [
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }));
      assert.equal(created.TableDescription.TableName, 'chat');
      await ddb.waitUntilTableExists({ client, maxWaitTime: 20, minDelay: 1 }, { TableName: 'chat' });
      assert.deepEqual((await client.send(new ddb.ListTablesCommand({}))).TableNames, ['chat']);

      await doc.send(new lib.PutCommand({ TableName: 'chat', Item: { PK: 'CHAN#7', SK: 'CHAN#7', Name: 'Town Hall', MessageCount: 0 } }));
      const got = await doc.send(new lib.GetCommand({ TableName: 'chat', Key: { PK: 'CHAN#7', SK: 'CHAN#7' } }));
      assert.deepEqual(got.Item, { PK: 'CHAN#7', SK: 'CHAN#7', Name: 'Town Hall', MessageCount: 0 });

      const updated = await doc.send(new lib.UpdateCommand({
        TableName: 'chat',
        Key: { PK: 'CHAN#7', SK: 'CHAN#7' },
        UpdateExpression: 'ADD MessageCount :one SET Tags = :tags',
        ExpressionAttributeValues: { ':one': 1, ':tags': new Set(['news', 'general']) },
        ReturnValues: 'ALL_NEW',
      }));
      assert.equal(updated.Attributes.MessageCount, 1);
      assert.deepEqual([...updated.Attributes.Tags].sort(), ['general', 'news']);

      await assert.rejects(
        doc.send(new lib.PutCommand({ TableName: 'chat', Item: { PK: 'CHAN#7', SK: 'CHAN#7' }, ConditionExpression: 'attribute_not_exists(PK)' })),
        (e) => e.name === 'ConditionalCheckFailedException');

      // 60 messages in batches of 25, then read back 7 at a time.
      const messages = Array.from({ length: 60 }, (_, i) => ({
        PK: 'CHAN#7', SK: `MSG#${String(1000 + i)}`, Msg: `message ${i}`, Blob: new Uint8Array([i, 255 - i]),
      }));
      for (let i = 0; i < messages.length; i += 25) {
        const result = await doc.send(new lib.BatchWriteCommand({
          RequestItems: { chat: messages.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
        }));
        assert.deepEqual(result.UnprocessedItems ?? {}, {});
      }

      const pages = [];
      const seen = [];
      for await (const page of lib.paginateQuery({ client: doc, pageSize: 7 }, {
        TableName: 'chat',
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :msg)',
        ExpressionAttributeValues: { ':pk': 'CHAN#7', ':msg': 'MSG#' },
      })) {
        pages.push(page.Count);
        seen.push(...page.Items.map((item) => item.SK));
      }
      assert.deepEqual(seen, messages.map((m) => m.SK));
      assert.equal(pages.length, 9);  // 8 pages of 7, one of 4 (and no empty page after it)
      assert.deepEqual(pages.slice(0, 8), Array(8).fill(7));

      const back = await doc.send(new lib.GetCommand({ TableName: 'chat', Key: { PK: 'CHAN#7', SK: 'MSG#1003' } }));
      assert.deepEqual([...back.Item.Blob], [3, 252]);

      let scanned = 0;
      for await (const page of ddb.paginateScan({ client, pageSize: 11 }, { TableName: 'chat' })) {
        scanned += page.Count;
        assert.ok(page.Count <= 11);
      }
      assert.equal(scanned, 61);

      await doc.send(new lib.DeleteCommand({ TableName: 'chat', Key: { PK: 'CHAN#7', SK: 'MSG#1000' } }));
      const gone = await doc.send(new lib.GetCommand({ TableName: 'chat', Key: { PK: 'CHAN#7', SK: 'MSG#1000' } }));
      assert.equal(gone.Item, undefined);

      await client.send(new ddb.DeleteTableCommand({ TableName: 'chat' }));
      await assert.rejects(client.send(new ddb.DescribeTableCommand({ TableName: 'chat' })),
        (e) => e.name === 'ResourceNotFoundException');
    } finally {
      client.destroy();
    }
  });
});

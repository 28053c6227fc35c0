#include "engine/stream_log.h"

#include <gtest/gtest.h>

#include "engine/memory_store.h"
#include "engine/shard_iterator.h"
#include "engine/test_util.h"

namespace townhall::engine {
namespace {

using testing::N;
using testing::S;

TEST(StreamLog, ChangesRoundTrip) {
  StreamChange change;
  change.event = StreamEvent::kModify;
  change.origin = WriteOrigin::kTimeToLive;
  change.view_type = "NEW_AND_OLD_IMAGES";
  change.time_ms = 1796666675405;
  change.keys = {{"pk", S("a")}};
  change.new_image = ddb::AttributeMap{{"pk", S("a")}, {"n", N(2)}};
  change.old_image = ddb::AttributeMap{{"pk", S("a")}, {"n", N(1)}};
  const std::string key = stream_keys::record_key(7, 123456789);
  auto encode = [](const StreamChange& c) {
    return encode_stream_change(c.event, c.origin, c.view_type, c.time_ms, c.keys,
                                c.new_image ? &*c.new_image : nullptr, c.old_image ? &*c.old_image : nullptr);
  };
  auto decoded = decode_stream_change(key, encode(change));
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  EXPECT_EQ(decoded->sequence, 123456789u);
  EXPECT_EQ(decoded->event, StreamEvent::kModify);
  EXPECT_EQ(decoded->origin, WriteOrigin::kTimeToLive);
  EXPECT_EQ(decoded->view_type, "NEW_AND_OLD_IMAGES");
  EXPECT_EQ(decoded->time_ms, 1796666675405);
  EXPECT_EQ(decoded->keys, change.keys);
  EXPECT_EQ(decoded->new_image, change.new_image);
  EXPECT_EQ(decoded->old_image, change.old_image);
  EXPECT_EQ(stream_change_time_ms(encode(change)), 1796666675405);

  change.new_image.reset();  // KEYS_ONLY and OLD_IMAGE records keep less
  decoded = decode_stream_change(key, encode(change));
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(decoded->new_image.has_value());
  for (std::string_view bad : {"", "\x02", "\x01\x09\x00", "\x01\x01\x00\x05"}) {
    EXPECT_FALSE(decode_stream_change(key, bad).ok()) << bad.size();
  }
}

TEST(StreamLog, RecordKeysSortBySequenceWithinAStream) {
  EXPECT_LT(stream_keys::record_key(1, 255), stream_keys::record_key(1, 256));
  EXPECT_LT(stream_keys::record_key(1, UINT64_MAX), stream_keys::record_key(2, 0));
  EXPECT_GE(stream_keys::record_key(3, 9), stream_keys::records_begin(3));
  EXPECT_LT(stream_keys::record_key(3, UINT64_MAX), stream_keys::records_end(3));
  EXPECT_EQ(stream_keys::record_sequence(stream_keys::record_key(3, 0x0102030405060708)),
            0x0102030405060708u);
}

TEST(StreamLog, SequenceNumbersAsTheApiShowsThem) {
  EXPECT_EQ(format_sequence_number(1), "000000000000000000001");
  EXPECT_EQ(parse_sequence_number("000000000000000000042"), 42u);
  EXPECT_EQ(parse_sequence_number("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(parse_sequence_number("18446744073709551616"), std::nullopt);
  EXPECT_EQ(parse_sequence_number(""), std::nullopt);
  EXPECT_EQ(parse_sequence_number("00000000000000000001x"), std::nullopt);
  EXPECT_EQ(parse_sequence_number(std::string(41, '0')), std::nullopt);
}

TEST(StreamSequencer, ReadersStopBelowNumbersStillInFlight) {
  MemoryStore store;
  StreamSequencer sequencer(store);
  ASSERT_TRUE(sequencer.load().ok());
  EXPECT_EQ(sequencer.settled_through(), 0u);
  uint64_t a = sequencer.reserve(2).value();  // 1, 2
  uint64_t b = sequencer.reserve(1).value();  // 3
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 3u);
  EXPECT_EQ(sequencer.settled_through(), 0u);
  sequencer.release(b);  // 3 is written, but 1 and 2 may still commit: nothing past 0 is safe
  EXPECT_EQ(sequencer.settled_through(), 0u);
  sequencer.release(a);
  EXPECT_EQ(sequencer.settled_through(), 3u);
  EXPECT_EQ(sequencer.next(), 4u);
}

TEST(StreamSequencer, NumbersAfterARestartAreAboveEveryNumberHandedOut) {
  MemoryStore store;
  uint64_t last = 0;
  {
    StreamSequencer sequencer(store);
    ASSERT_TRUE(sequencer.load().ok());
    for (int i = 0; i < 10; ++i) {
      last = sequencer.reserve(1).value();
      sequencer.release(last);
    }
  }
  StreamSequencer again(store);
  ASSERT_TRUE(again.load().ok());
  uint64_t next = again.reserve(1).value();
  EXPECT_GT(next, last);
  EXPECT_EQ(again.settled_through(), next - 1);
  // A reservation larger than the lease block still gets numbers above it.
  uint64_t big = again.reserve(StreamSequencer::kLeaseBlock + 5).value();
  again.release(big);
  StreamSequencer third(store);
  ASSERT_TRUE(third.load().ok());
  EXPECT_GT(third.reserve(1).value(), big + StreamSequencer::kLeaseBlock + 4);
}

TEST(ShardIterator, RoundTripsAndRefusesWhatWasEdited) {
  const std::string arn = "arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026-12-07T18:04:35.353";
  std::string text = encode_shard_iterator(arn, {7, 42, 1796666675405});
  auto decoded = decode_shard_iterator(text);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->first, arn);
  EXPECT_EQ(decoded->second.stream_id, 7u);
  EXPECT_EQ(decoded->second.after, 42u);
  EXPECT_EQ(decoded->second.issued_ms, 1796666675405);
  EXPECT_FALSE(decode_shard_iterator(text.substr(0, text.size() - 1)).has_value());
  std::string edited = text;
  edited[edited.find("|42|") + 1] = '9';
  EXPECT_FALSE(decode_shard_iterator(edited).has_value());
  EXPECT_FALSE(decode_shard_iterator("").has_value());
  EXPECT_FALSE(decode_shard_iterator("garbagegarbagegarbage").has_value());
  EXPECT_FALSE(decode_shard_iterator("|1|1|1|1|x").has_value());
}

}  // namespace
}  // namespace townhall::engine

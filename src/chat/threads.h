// Threads: replies attached to a message, on the notebook's one table.
//
// A reply is an ordinary message item in its channel's partition (MSG#...),
// so editing, deleting, reacting, paging and the idempotent client message
// id work on it unchanged. It also carries:
//   ThreadRoot  the root message's id
//   InChannel   true when "also sent to the channel"
//   GSI1PK      THREAD#<channel id>#<root id>   GSI1SK  MSG#<reply id>
// so that one Query on GSI1 lists a thread in order (AP30). GSI1 projects
// only the keys (and the notebook's ChanName, JoinedAt), so the replies
// themselves come from one BatchGetItem per page.
//
// The root counts its replies (ReplyCount) and remembers the latest
// (LastReplyAt, LastReplyId), updated in the reply's own send transaction, with
// a condition that refuses a reply to a deleted root. Threads are flat: a
// reply to a reply joins the root's thread.
//
// The channel's history (AP3) and unread counts leave replies out unless
// they were also sent to the channel; catching up (`after`, the WebSocket
// replay) includes them, marked with thread_root, so a client's open thread
// resumes with no gap and no duplicate exactly as its channel does.
//
// On DynamoDB, GSI1 is eventually consistent: a thread read right after a
// reply may miss it for a moment; the live event carries it.
#pragma once

#include "chat/message_service.h"

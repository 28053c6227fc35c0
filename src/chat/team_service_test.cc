#include "chat/team_service.h"

#include <gtest/gtest.h>

#include "chat/chat_test_support.h"
#include "chat/keys.h"

namespace townhall::chat {
namespace {

using testing::ChatFixture;
using testing::code_of;
using testing::ok;

class TeamTest : public ::testing::Test, public ChatFixture {
 protected:
  TeamService& team() { return chat->team(); }
  User signed_up(const std::string& name, const std::string& email, std::string_view invite = {}) {
    return ok(chat->accounts().sign_up(name, email, "password-" + name, invite));
  }
  Result<User> try_sign_up(const std::string& name, const std::string& email, std::string_view invite = {}) {
    return chat->accounts().sign_up(name, email, "password-" + name, invite);
  }
  User reread(const User& user) { return ok(chat->accounts().find_user(user.id)); }
};

TEST_F(TeamTest, TheFirstAccountOwnsTheTeamAndTheRestAreMembers) {
  User ann = user("Ann"), bob = user("Bob");
  EXPECT_EQ(ann.role, Role::kOwner);
  EXPECT_EQ(bob.role, Role::kMember);
  EXPECT_EQ(reread(ann).role, Role::kOwner);
  auto settings = ok(team().settings());
  EXPECT_EQ(settings.owner_id, ann.id);
  EXPECT_FALSE(settings.claimable);
}

TEST_F(TeamTest, OnAReachableServerTheFirstAccountNeedsAnInvite) {
  // serve asks for this when it listens beyond loopback.
  auto settings = ok(team().claim_by_invite_only());
  EXPECT_TRUE(settings.claimable && settings.claim_by_invite);
  EXPECT_EQ(code_of(try_sign_up("Eve", "eve@mail.com")), Code::kPermissionDenied);
  EXPECT_EQ(code_of(try_sign_up("Eve", "eve@mail.com", "made.upAAAAAAAAAAAAAAAAAAAAAAAAAA")),
            Code::kPermissionDenied);
  Invite invite = ok(team().create_invite(TeamService::command_line(), 3600, 1));
  User owner = signed_up("Olive", "olive@mail.com", invite.token);
  EXPECT_EQ(owner.role, Role::kOwner);
  settings = ok(team().settings());
  EXPECT_FALSE(settings.claimable || settings.claim_by_invite);
  EXPECT_EQ(ok(team().invites(owner, "", 10)).items.at(0).uses, 1);
  // Once owned, the policy rules again (open here), and asking again changes nothing.
  EXPECT_EQ(user("Bob").role, Role::kMember);
  EXPECT_FALSE(ok(team().claim_by_invite_only()).claim_by_invite);
}

TEST_F(TeamTest, ATableWithUsersFromBeforeRolesHasNoOwnerUntilOneIsNamed) {
  // A table the notebook filled: users, no team item yet.
  ok(chat->accounts().create_user("Old Timer", "old@mail.com", "12"));
  ddb::DeleteItemRequest forget_team;
  forget_team.table_name = table;
  forget_team.key =
      ddb::AttributeMap{{"PK", ddb::AttributeValue::S("TEAM")}, {"SK", ddb::AttributeValue::S("TEAM")}};
  ASSERT_TRUE(db->delete_item(forget_team).ok());
  auto settings = ok(team().ensure());
  EXPECT_FALSE(settings.claimable);
  EXPECT_TRUE(settings.owner_id.empty());
  User newcomer = user("Newcomer");
  EXPECT_EQ(newcomer.role, Role::kMember);
  // The operator names the owner; the old user is now in the directory too.
  User owner = ok(team().set_role(TeamService::command_line(), "12", Role::kOwner));
  EXPECT_EQ(owner.role, Role::kOwner);
  auto users = ok(team().users(owner, "", 50));
  ASSERT_EQ(users.items.size(), 2u);
  EXPECT_EQ(users.items[0].name, "Newcomer");  // by name
  EXPECT_EQ(users.items[1].name, "Old Timer");
}

TEST_F(TeamTest, InviteOnlyRefusesStrangersAndTakesInviteLinksUntilUsedUp) {
  User owner = user("Owner");
  ok(team().set_signup(owner, SignupPolicy::kInvite, {}));
  EXPECT_EQ(code_of(try_sign_up("Eve", "eve@mail.com")), Code::kPermissionDenied);
  Invite invite = ok(team().create_invite(owner, 3600, 2));
  ASSERT_FALSE(invite.token.empty());
  signed_up("Ann", "ann@mail.com", invite.token);
  signed_up("Bob", "bob@mail.com", invite.token);
  EXPECT_EQ(code_of(try_sign_up("Cid", "cid@mail.com", invite.token)), Code::kPermissionDenied);
  // A forged secret with a real id, a malformed token: refused alike.
  EXPECT_EQ(code_of(try_sign_up("Dan", "dan@mail.com", invite.id + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")),
            Code::kPermissionDenied);
  EXPECT_EQ(code_of(try_sign_up("Dan", "dan@mail.com", "nonsense")), Code::kPermissionDenied);
  auto listed = ok(team().invites(owner, "", 50));
  ASSERT_EQ(listed.items.size(), 1u);
  EXPECT_EQ(listed.items[0].uses, 2);
  EXPECT_TRUE(listed.items[0].token.empty());  // the secret is never shown again
}

TEST_F(TeamTest, InvitesExpireAndCanBeRevoked) {
  User owner = user("Owner");
  ok(team().set_signup(owner, SignupPolicy::kInvite, {}));
  Invite expiring = ok(team().create_invite(owner, 60, 0));
  Invite revoked = ok(team().create_invite(owner, 3600, 0));
  ASSERT_TRUE(team().revoke_invite(owner, revoked.id).ok());
  EXPECT_EQ(code_of(try_sign_up("Ann", "ann@mail.com", revoked.token)), Code::kPermissionDenied);
  signed_up("Bob", "bob@mail.com", expiring.token);
  now_ms += 61 * 1000;
  EXPECT_EQ(code_of(try_sign_up("Cid", "cid@mail.com", expiring.token)), Code::kPermissionDenied);
  EXPECT_EQ(team().revoke_invite(owner, "nosuchinvite").error().code, Code::kNotFound);
}

TEST_F(TeamTest, DomainPolicyAdmitsListedDomainsOnly) {
  User owner = user("Owner");
  auto settings = ok(team().set_signup(owner, SignupPolicy::kDomain, {"Example.COM", "@corp.example.org"}));
  ASSERT_EQ(settings.domains, (std::vector<std::string>{"example.com", "corp.example.org"}));
  signed_up("Ann", "ann@EXAMPLE.com");
  signed_up("Bob", "bob@corp.example.org");
  auto refused = try_sign_up("Eve", "eve@example.com.evil.net");
  EXPECT_EQ(code_of(refused), Code::kPermissionDenied);
  EXPECT_NE(refused.error().message.find("example.com"), std::string::npos);
  EXPECT_EQ(code_of(team().set_signup(owner, SignupPolicy::kDomain, {})), Code::kInvalidArgument);
  EXPECT_EQ(code_of(team().set_signup(owner, SignupPolicy::kDomain, {"not a domain"})),
            Code::kInvalidArgument);
}

TEST_F(TeamTest, OnlyTheOwnerChoosesPolicyAndRoles) {
  User owner = user("Owner"), ann = user("Ann"), bob = user("Bob");
  EXPECT_EQ(code_of(team().set_signup(ann, SignupPolicy::kOpen, {})), Code::kPermissionDenied);
  EXPECT_EQ(code_of(team().set_role(ann, bob.id, Role::kAdmin)), Code::kPermissionDenied);
  User admin = ok(team().set_role(owner, ann.id, Role::kAdmin));
  EXPECT_EQ(admin.role, Role::kAdmin);
  // Even an admin may not make admins, nor touch the owner.
  EXPECT_EQ(code_of(team().set_role(admin, bob.id, Role::kAdmin)), Code::kPermissionDenied);
  EXPECT_EQ(code_of(team().set_active(admin, owner.id, false)), Code::kPermissionDenied);
  // The owner stays until another is named; naming one hands the team over.
  EXPECT_EQ(code_of(team().set_role(owner, owner.id, Role::kMember)), Code::kFailedPrecondition);
  ok(team().set_role(owner, bob.id, Role::kOwner));
  EXPECT_EQ(reread(bob).role, Role::kOwner);
  EXPECT_EQ(reread(owner).role, Role::kAdmin);
  EXPECT_EQ(ok(team().settings()).owner_id, bob.id);
}

TEST_F(TeamTest, DeactivationEndsSessionsAndSignInUntilReactivated) {
  User owner = user("Owner"), ann = user("Ann"), bob = user("Bob");
  ok(team().set_role(owner, ann.id, Role::kAdmin));
  ann = reread(ann);
  Session session = ok(chat->accounts().log_in("bob@mail.com", "password-Bob"));
  events.take_access();
  now_ms += 1;
  User deactivated = ok(team().set_active(ann, bob.id, false));
  EXPECT_FALSE(deactivated.active());
  auto changed = events.take_access();
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].kind, AccessEvent::Kind::kUserChanged);
  EXPECT_EQ(changed[0].subject, bob.id);
  EXPECT_EQ(code_of(chat->accounts().authenticate(session.token)), Code::kUnauthenticated);
  EXPECT_EQ(code_of(chat->accounts().log_in("bob@mail.com", "password-Bob")), Code::kUnauthenticated);
  // An admin cannot deactivate another admin or themselves; the owner can.
  User carl = user("Carl");
  ok(team().set_role(owner, carl.id, Role::kAdmin));
  EXPECT_EQ(code_of(team().set_active(ann, carl.id, false)), Code::kPermissionDenied);
  EXPECT_EQ(code_of(team().set_active(ann, ann.id, false)), Code::kFailedPrecondition);
  // Back: signing in works again, the old session stays ended.
  now_ms += 1;
  ok(team().set_active(ann, bob.id, true));
  EXPECT_EQ(code_of(chat->accounts().authenticate(session.token)), Code::kUnauthenticated);
  Session again = ok(chat->accounts().log_in("bob@mail.com", "password-Bob"));
  EXPECT_EQ(ok(chat->accounts().authenticate(again.token)).id, bob.id);
}

TEST_F(TeamTest, ResetLinksWorkOnceAndEndOldSessions) {
  User owner = user("Owner"), bob = user("Bob");
  Session old_session = ok(chat->accounts().log_in("bob@mail.com", "password-Bob"));
  EXPECT_EQ(code_of(team().create_reset_link(bob, owner.id, 0)), Code::kPermissionDenied);
  ResetLink link = ok(team().create_reset_link(owner, bob.id, 0));
  now_ms += 1;
  EXPECT_EQ(code_of(chat->accounts().reset_password(link.token, "short")), Code::kInvalidArgument);
  ok(chat->accounts().reset_password(link.token, "a brand new password"));
  EXPECT_EQ(code_of(chat->accounts().reset_password(link.token, "another new password")),
            Code::kPermissionDenied);
  EXPECT_EQ(code_of(chat->accounts().authenticate(old_session.token)), Code::kUnauthenticated);
  EXPECT_EQ(code_of(chat->accounts().log_in("bob@mail.com", "password-Bob")), Code::kUnauthenticated);
  ok(chat->accounts().log_in("bob@mail.com", "a brand new password"));
  // An expired link does nothing.
  ResetLink expired = ok(team().create_reset_link(owner, bob.id, 60));
  now_ms += 61 * 1000;
  EXPECT_EQ(code_of(chat->accounts().reset_password(expired.token, "yet another password")),
            Code::kPermissionDenied);
}

TEST_F(TeamTest, ChangingOnesPasswordNeedsTheCurrentOneAndEndsOtherSessions) {
  User owner = user("Owner");
  Session other = ok(chat->accounts().log_in("owner@mail.com", "password-Owner"));
  now_ms += 1;
  EXPECT_EQ(code_of(chat->accounts().change_password(owner, "wrong", "a new password here")),
            Code::kPermissionDenied);
  Session fresh = ok(chat->accounts().change_password(owner, "password-Owner", "a new password here"));
  EXPECT_EQ(code_of(chat->accounts().authenticate(other.token)), Code::kUnauthenticated);
  EXPECT_EQ(ok(chat->accounts().authenticate(fresh.token)).id, owner.id);
}

TEST_F(TeamTest, AdminsModerateChannelsTheyCanReadAndTheTrailSaysSo) {
  User owner = user("Owner"), ann = user("Ann"), bob = user("Bob");
  Channel general = channel(bob, "general");
  ok(chat->channels().join(ann, general.id));
  Message spam = ok(chat->messages().send(bob, general.id, "buy now")).message;
  // A member may not delete another's message; an admin may.
  EXPECT_EQ(code_of(chat->messages().remove(ann, general.id, spam.id)), Code::kPermissionDenied);
  Message gone = ok(chat->messages().remove(owner, general.id, spam.id));
  EXPECT_TRUE(gone.deleted);
  // Remove a member, rename and archive a channel the admin did not create.
  now_ms += 1;
  ok(chat->channels().remove_member(owner, general.id, ann));
  now_ms += 1;
  ok(chat->channels().update(owner, general.id, std::string_view("town-square"), std::nullopt));
  now_ms += 1;
  ok(chat->channels().set_archived(owner, general.id, true));
  EXPECT_EQ(code_of(chat->messages().send(bob, general.id, "hello?")), Code::kFailedPrecondition);
  now_ms += 1;
  ok(chat->channels().set_archived(owner, general.id, false));
  ok(chat->messages().send(bob, general.id, "hello again"));
  // A private channel the admin is not in stays closed to them.
  Channel secret = channel(bob, "secret", true);
  Message hidden = ok(chat->messages().send(bob, secret.id, "psst")).message;
  EXPECT_EQ(code_of(chat->messages().remove(owner, secret.id, hidden.id)), Code::kNotFound);
  EXPECT_EQ(code_of(chat->channels().set_archived(owner, secret.id, true)), Code::kNotFound);

  auto trail = ok(team().audit(owner, "", 50));
  std::vector<std::string> actions;
  for (const auto& entry : trail.items) actions.push_back(entry.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"channel.unarchive", "channel.archive", "channel.update",
                                               "channel.remove_member", "message.delete"}));
  EXPECT_EQ(trail.items.back().actor_id, owner.id);
  EXPECT_EQ(trail.items.back().target, "message:" + general.id + "/" + keys::public_message_id(spam.id));
  EXPECT_EQ(code_of(team().audit(bob, "", 50)), Code::kPermissionDenied);
  // Bob deleting his own message is not moderation: no entry.
  Message own = ok(chat->messages().send(bob, general.id, "oops")).message;
  ok(chat->messages().remove(bob, general.id, own.id));
  EXPECT_EQ(ok(team().audit(owner, "", 50)).items.size(), trail.items.size());
}

TEST_F(TeamTest, TheAuditTrailPages) {
  User owner = user("Owner");
  for (int i = 0; i < 5; ++i) {
    now_ms += 1;
    ok(team().create_invite(owner, 3600, 1));
  }
  auto first = ok(team().audit(owner, "", 3));
  ASSERT_EQ(first.items.size(), 3u);
  ASSERT_FALSE(first.next_cursor.empty());
  auto second = ok(team().audit(owner, first.next_cursor, 3));
  ASSERT_EQ(second.items.size(), 2u);
  EXPECT_GT(first.items[0].at_ms, second.items[0].at_ms);
}

}  // namespace
}  // namespace townhall::chat

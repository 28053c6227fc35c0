// Roles (owner, admin, member) as /api/me and member lists give them, and
// what each may do in the page. The server checks every action again: these
// only decide which controls to show.

// Admins and the owner moderate: delete any message, remove people, rename
// and archive channels, and open the admin panel.
export function isModerator(user) {
  return Boolean(user && (user.role === 'admin' || user.role === 'owner'));
}

// Only the owner changes roles and who may sign up.
export function isOwner(user) {
  return Boolean(user && user.role === 'owner');
}

// The small badge beside a name: 'owner', 'admin', or '' for a member.
export function roleBadge(role) {
  return role === 'owner' || role === 'admin' ? role : '';
}

// What an audit entry's action says, in words ("user.deactivate" -> "deactivated a user").
const ACTIONS = {
  'message.delete': 'deleted a message',
  'channel.update': 'renamed or edited a channel',
  'channel.remove_member': 'removed someone from a channel',
  'channel.archive': 'archived a channel',
  'channel.unarchive': 'unarchived a channel',
  'invite.create': 'created an invite link',
  'invite.revoke': 'revoked an invite link',
  'password.reset_link': 'made a password reset link',
  'signup.set': 'changed who may sign up',
  'role.set': 'changed a role',
  'user.deactivate': 'deactivated a user',
  'user.reactivate': 'reactivated a user',
};

export function actionLabel(action) {
  return ACTIONS[action] || action;
}

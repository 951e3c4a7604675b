import { needUser, type HandlerMap } from './types.ts';

/** The signed-in user's account: ending every session at once. */
export const accountHandlers: HandlerMap<'signOutEverywhere'> = {
  signOutEverywhere: async (s, ctx) => {
    const me = needUser(ctx);
    await s.auth.signOutEverywhere(me.user.userId, me.deviceId);
    // Close the other devices now rather than at the next tick; this one closes with 4000 after its reply.
    await s.revocations.poke();
    ctx.logout();
    return {};
  },
};

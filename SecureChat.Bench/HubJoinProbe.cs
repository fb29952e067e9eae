using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// The hub client process's side of a timed join (<c>join</c> and <c>part</c> on its standard input): one client
/// outside <see cref="HubRoomPlan.BigRoom"/> enters it and answers <c>joined MEMBERS</c> once it has heard of every
/// other member (RoomInfo entered, then one Presence member each, PROTOCOL.md 4.2); then it parts and answers
/// <c>parted</c> when its own Presence parted arrives.
/// </summary>
internal static class HubJoinProbe
{
    public static async Task<string> JoinAsync(ChatClient client, TimeSpan limit)
    {
        long members = -1;
        long heard = 0;
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            long m = Interlocked.Read(ref members);
            if (m > 0 && Interlocked.Read(ref heard) >= m - 1)
            {
                done.TrySetResult($"joined {m}");
            }
        }

        void OnRoom(RoomNotice notice)
        {
            if (notice.Kind == RoomNoticeKind.Entered && notice.Room == HubRoomPlan.BigRoom)
            {
                Interlocked.Exchange(ref members, notice.Members);
                Check();
            }
        }

        void OnPresence(PresenceNotice notice)
        {
            if (notice.Kind == PresenceKind.Member && notice.Room == HubRoomPlan.BigRoom)
            {
                Interlocked.Increment(ref heard);
                Check();
            }
        }

        client.RoomChanged += OnRoom;
        client.PresenceChanged += OnPresence;
        try
        {
            client.Request(new RoomRequest(RoomOp.Join, HubRoomPlan.BigRoom));
            return await done.Task.WaitAsync(limit).ConfigureAwait(false);
        }
        finally
        {
            client.RoomChanged -= OnRoom;
            client.PresenceChanged -= OnPresence;
        }
    }

    public static async Task<string> PartAsync(ChatClient client, TimeSpan limit)
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnPresence(PresenceNotice notice)
        {
            if (notice.Kind == PresenceKind.Parted && notice.Room == HubRoomPlan.BigRoom)
            {
                done.TrySetResult("parted");
            }
        }

        client.PresenceChanged += OnPresence;
        try
        {
            client.Request(new RoomRequest(RoomOp.Part, HubRoomPlan.BigRoom));
            return await done.Task.WaitAsync(limit).ConfigureAwait(false);
        }
        finally
        {
            client.PresenceChanged -= OnPresence;
        }
    }
}

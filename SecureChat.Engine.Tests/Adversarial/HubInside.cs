using System.Collections.Concurrent;
using System.Reflection;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// What a test that plays a malicious hub, or a member that keeps what it should not, reaches inside the engine's
/// objects: a hub member's output (which the test replaces with a <see cref="TamperingOutput"/>), and a client's group
/// book (its notices, and records handed to it as its link would). Reached by reflection: no engine type offers these
/// to its users.
/// </summary>
internal static class HubInside
{
    /// <summary>Puts a <see cref="TamperingOutput"/> in front of the output of the hub member named <paramref name="name"/>.</summary>
    public static TamperingOutput Tamper(ChatServer server, string name)
    {
        HubMember member = MemberNamed(server, name);
        var tampering = new TamperingOutput(member.Output);
        member.Output = tampering;
        return tampering;
    }

    /// <summary>Gives the member its own output back (so that its link's end is handled as any other).</summary>
    public static void Restore(ChatServer server, string name)
    {
        HubMember member = MemberNamed(server, name);
        if (member.Output is TamperingOutput tampering)
        {
            member.Output = tampering.Inner;
        }
    }

    public static HubMember MemberNamed(ChatServer server, string name)
    {
        var hub = (ServerHub)typeof(ChatServer).GetField("_members", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(server)!;
        return hub.Links.Select(hub.MemberOf).OfType<HubMember>().Single(m => m.Name == name);
    }

    /// <summary>The group book of a client on its current link.</summary>
    public static MemberGroupLink GroupsOf(ChatClient client) =>
        (MemberGroupLink)typeof(ChatClient).GetField("_groups", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(client)!;

    /// <summary>Records every notice the client's group book raises from now on.</summary>
    public static ConcurrentQueue<GroupNotice> Notices(ChatClient client)
    {
        var notices = new ConcurrentQueue<GroupNotice>();
        GroupsOf(client).Book.Notice += notices.Enqueue;
        return notices;
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// A server that floods a client's member table (PROTOCOL.md 4.2, 8): an attacker's server on 127.0.0.1 completes
/// a real handshake with a <see cref="ChatClient"/>, then announces members that never were, far more than a hub
/// holds. The client must end the session with one clear line once the members it knows pass its bound, having
/// passed on no more than the bound.
/// </summary>
public sealed class MemberFloodAttackTests(ITestOutputHelper output)
{
    private const int Announced = ChatOptions.MaxMembers + 3_000;

    [Fact]
    public async Task A_client_leaves_a_server_that_announces_more_members_than_its_bound()
    {
        using RawServer server = RawServer.Listen();
        await using var client = new ChatClient(new ChatOptions { Name = "Bob" });
        int joined = 0;
        var failures = new ConcurrentQueue<SessionFailure>();
        client.PresenceChanged += n =>
        {
            if (n.Kind == PresenceKind.Joined)
            {
                Interlocked.Increment(ref joined);
            }
        };
        client.Failed += (_, failure) => failures.Enqueue(failure);
        Task connecting = client.ConnectAsync("127.0.0.1", server.Port);
        await using RawClient hub = await server.AcceptAsync();
        (await hub.HandshakeAsync()).ShouldBeTrue();
        await connecting.WaitAsync(TimeSpan.FromSeconds(30));

        byte[] digest = new byte[WireFormat.IdentityDigestSize];
        await hub.SendAsync(hub.ProduceChat(c => c.SendPresence(PresenceKind.You, string.Empty, digest, "Bob", 0, string.Empty)));
        int sent = 0;
        try
        {
            for (int batch = 0; batch < Announced / 1_000; batch++)
            {
                var records = new List<byte>();
                for (int i = 0; i < 1_000; i++, sent++)
                {
                    RandomNumberGenerator.Fill(digest);
                    records.AddRange(hub.ProduceChat(c => c.SendPresence(PresenceKind.Joined, "#lobby", digest, $"ghost {sent}", 0, string.Empty)));
                }

                await hub.SendAsync([.. records]);
            }
        }
        catch (System.Net.Sockets.SocketException)
        {
            // The client closed while the flood was still being written.
        }

        try
        {
            await Eventually.True(() => !failures.IsEmpty || Volatile.Read(ref joined) >= Announced, "the client to end the session or take every notice");
        }
        finally
        {
            output.WriteLine($"{sent} members announced; the client passed on {Volatile.Read(ref joined)} joins; failure: {(failures.TryPeek(out SessionFailure? f) ? f.Message : "none")}");
        }

        Volatile.Read(ref joined).ShouldBeLessThanOrEqualTo(ChatOptions.MaxMembers + 1); // the operator's join is the client's own

        failures.ShouldHaveSingleItem().Message.ShouldContain($"more than {ChatOptions.MaxMembers} members");
    }
}

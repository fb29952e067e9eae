using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// A passive observer on the path (a tap that forwards every byte between a real client and a real hub on 127.0.0.1
/// and keeps a copy) cannot link the session to people: the identities travel only inside the sealed ServerAuth and
/// ClientAuth, so neither identity key, nor its digest or fingerprint, nor a display name appears in what it saw;
/// and neither does the chat.
/// </summary>
public sealed class PassiveObserverTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_tap_on_the_wire_sees_no_identity_no_name_and_no_message_of_a_whole_session()
    {
        using var serverKey = new EphemeralSigner();
        using var clientKey = new EphemeralSigner();
        await using LiveServer live = LiveServer.Start(new ChatOptions { Name = "OperatorOlga", Identity = serverKey });
        await using var tap = TcpTap.Start(live.Port);
        await using var client = new ChatClient(new ChatOptions { Name = "ClientCarlos", Identity = clientKey });

        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.MessageReceived += m =>
        {
            if (m.Text == "see you there")
            {
                answered.TrySetResult();
            }
        };

        await client.ConnectAsync("127.0.0.1", tap.Port).WaitAsync(s_wait);
        await client.SendAsync("meet me at the north gate");
        await Eventually.True(() => live.CountMessages("meet me at the north gate") == 1, "the message at the server");
        await live.Server.SendAsync("see you there");
        await answered.Task.WaitAsync(s_wait);
        await client.DisposeAsync();
        byte[] seen = await tap.ClosedAsync();

        // The tap saw the whole session: the clear hellos, then the sealed auth messages, records and the Close.
        List<byte[]> toServer = Frames.Split(tap.ToServer);
        List<byte[]> toClient = Frames.Split(tap.ToClient);
        toServer.Select(Frames.TypeOf).ShouldContain(FrameType.ClientHello);
        toServer.Select(Frames.TypeOf).ShouldContain(FrameType.ClientAuth);
        toServer.Select(Frames.TypeOf).ShouldContain(FrameType.GroupMessage);
        toClient.Select(Frames.TypeOf).ShouldContain(FrameType.ServerAuth);

        foreach (EphemeralSigner key in new[] { serverKey, clientKey })
        {
            Contains(seen, key.PublicKey).ShouldBeFalse("an identity public key in the clear");
            Contains(seen, SHA256.HashData(key.PublicKey)).ShouldBeFalse("an identity digest in the clear");
            Contains(seen, Encoding.ASCII.GetBytes(IdentityFingerprint.Of(key.PublicKey))).ShouldBeFalse("a fingerprint in the clear");
        }

        foreach (string text in new[] { "OperatorOlga", "ClientCarlos", "north gate", "see you there" })
        {
            Contains(seen, Encoding.UTF8.GetBytes(text)).ShouldBeFalse($"'{text}' in the clear");
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}

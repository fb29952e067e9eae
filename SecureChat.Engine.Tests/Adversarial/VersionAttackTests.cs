using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Protocol version 4 (PROTOCOL.md 3.1, 3.2): a v4 implementation offers and accepts only 0x0004. A v3 peer's records
/// mean something else (v3 carries rooms and direct messages as plaintext records the hub reads; v4 carries them in
/// MLS groups), so the two must never reach the secure channel together: a server refuses a ClientHello without
/// 0x0004 with Alert UnsupportedVersion whose detail is the
/// version it speaks, a client refuses a ServerHello of another version, and each side says so in one plain line.
/// Raw peers on 127.0.0.1 do what an old or modified implementation would.
/// </summary>
public sealed class VersionAttackTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_client_hello_offering_only_version_3_gets_an_unsupported_version_alert_naming_version_4_and_the_server_reports_it()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        var hello = new ClientHello([0x0003], [(ushort)DhGroupId.Ffdhe2048], 0, RandomNumberGenerator.GetBytes(WireFormat.NonceSize), null);
        byte[] body = new byte[hello.Size];
        hello.Write(body);
        await attacker.SendAsync(RawClient.Frame((byte)FrameType.ClientHello, body));

        AlertMessage alert = (await attacker.ReadAlertAsync(s_wait)).ShouldNotBeNull("the server answers with an Alert, not a ServerHello");
        SessionFailure failure = await live.FailureFor(attacker.LocalPort, s_wait);
        output.WriteLine($"a ClientHello offering only 0x0003: Alert {alert.Code} detail {alert.Detail}; the server reported \"{failure.Message}\"");

        (alert.Code, alert.Detail).ShouldBe((AlertCode.UnsupportedVersion, 4u));
        failure.Reason.ShouldBe(FailureReason.UnsupportedVersion);
        failure.Message.ShouldBe("refused a client that does not speak protocol version 4");
        await live.ShouldStillServeAnHonestClient(s_wait);
    }

    [Fact]
    public async Task A_client_answered_with_version_3_refuses_the_server_tells_it_so_and_says_to_update_one_side()
    {
        using RawServer server = RawServer.Listen();
        await using var client = new ChatClient(new ChatOptions());
        Task connecting = client.ConnectAsync("127.0.0.1", server.Port);
        await using RawClient old = await server.AcceptAsync();
        byte[] offer = (await old.ReadFrameAsync(s_wait)).ShouldNotBeNull("the client's hello");
        ClientHello.TryParse(offer.AsSpan(WireFormat.FrameHeaderSize), out ClientHello offered).ShouldBeTrue();
        offered.Versions.ShouldBe([WireFormat.Version], "a v4 client offers 4 alone");

        var answer = new ServerHello(0x0003, (ushort)DhGroupId.Ffdhe2048, WireFormat.IterationsDefault, 0, RandomNumberGenerator.GetBytes(WireFormat.NonceSize));
        byte[] body = new byte[ServerHello.Size];
        answer.Write(body);
        await old.SendAsync(RawClient.Frame((byte)FrameType.ServerHello, body));

        ChatConnectionException refused = await Should.ThrowAsync<ChatConnectionException>(() => connecting.WaitAsync(s_wait));
        AlertMessage? alert = await old.ReadAlertAsync(s_wait);
        output.WriteLine($"a ServerHello of version 3: the client failed with \"{refused.Message}\" and sent Alert {alert?.Code} detail {alert?.Detail}");

        refused.Failure.Reason.ShouldBe(FailureReason.UnsupportedVersion);
        refused.Message.ShouldBe("the server speaks another protocol version (this client speaks 4): update one of them");
        alert.ShouldNotBeNull().Code.ShouldBe(AlertCode.UnsupportedVersion);
        alert.Value.Detail.ShouldBe(4u);
    }

    [Fact]
    public async Task A_client_refused_by_a_version_3_server_says_to_update_one_side()
    {
        using RawServer server = RawServer.Listen();
        await using var client = new ChatClient(new ChatOptions());
        Task connecting = client.ConnectAsync("127.0.0.1", server.Port);
        await using RawClient old = await server.AcceptAsync();
        _ = (await old.ReadFrameAsync(s_wait)).ShouldNotBeNull("the client's hello");
        byte[] alert = new byte[AlertMessage.Size];
        new AlertMessage(AlertCode.UnsupportedVersion, 3).Write(alert);
        await old.SendAsync(RawClient.Frame((byte)FrameType.Alert, alert));

        ChatConnectionException refused = await Should.ThrowAsync<ChatConnectionException>(() => connecting.WaitAsync(s_wait));
        output.WriteLine($"a v3 server's Alert UnsupportedVersion: the client failed with \"{refused.Message}\"");
        refused.Message.ShouldBe("the server speaks another protocol version (this client speaks 4): update one of them");
    }
}

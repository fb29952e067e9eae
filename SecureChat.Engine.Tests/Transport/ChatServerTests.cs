using System.Collections.Concurrent;
using System.Net;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

public sealed class ChatServerTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(DhGroupId.Ffdhe2048)]
    [InlineData(DhGroupId.Ffdhe3072)]
    [InlineData(DhGroupId.Ffdhe4096)]
    public async Task A_client_and_server_over_tcp_agree_on_fingerprint_and_sas_and_chat_both_ways(DhGroupId group)
    {
        await using var server = new ChatServer(new ChatOptions { Group = group });
        await using var client = new ChatClient(new ChatOptions { Name = "alice", Group = group });
        IPEndPoint endPoint = server.Start("127.0.0.1", 0);
        var serverInbox = new BlockingCollection<ChatMessage>();
        var serverEstablished = new TaskCompletionSource<PeerInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.MessageReceived += serverInbox.Add;
        server.Established += p => serverEstablished.TrySetResult(p);

        var clientInbox = new BlockingCollection<ChatMessage>();
        client.MessageReceived += clientInbox.Add;
        await client.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_wait);
        PeerInfo serverView = await serverEstablished.Task.WaitAsync(s_wait);

        PeerInfo clientView = client.Server!;
        clientView.Stage.ShouldBe(SessionStage.Secure);
        clientView.Group.ShouldBe(group);
        clientView.Fingerprint.ShouldNotBeNull();
        clientView.Fingerprint.ShouldBe(serverView.Fingerprint);
        clientView.Sas.ShouldBe(serverView.Sas);

        await client.SendAsync("hello 👋 server");
        serverInbox.TryTake(out ChatMessage? atServer, s_wait).ShouldBeTrue();
        atServer!.Text.ShouldBe("hello 👋 server");
        atServer.Sender.ShouldBe("alice");

        await server.SendAsync("hi alice");
        clientInbox.TryTake(out ChatMessage? atClient, s_wait).ShouldBeTrue();
        atClient!.Text.ShouldBe("hi alice");
        atClient.Sender.ShouldBe("Server");
    }
}

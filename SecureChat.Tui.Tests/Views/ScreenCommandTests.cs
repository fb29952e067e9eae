using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Views;

/// <summary>Commands typed on the chat screen, against a real engine over loopback: the peer sees their effect.</summary>
[Collection(TerminalGuiCollection.Name)]
public sealed class ScreenCommandTests
{
    private static readonly TimeSpan s_wait = LoopbackPair.Wait;

    [Fact]
    public void Commands_answer_in_the_pane()
    {
        var client = new ChatClient(new ChatOptions());
        using var screen = new TestScreen(width: 120, height: 30);
        bool quit = false;
        ChatModel model = screen.Show(client, isServer: false, () => quit = true);

        screen.Enter("/help");
        screen.Screen().ShouldContain("/quit, /exit: closes the connection"); // the end of the list (its start has scrolled up)
        screen.Enter("/fingerprint");
        screen.Screen().ShouldContain("no secure link yet");
        screen.Enter("/bogus");
        screen.Screen().ShouldContain("unknown command /bogus");
        screen.Enter("hello");
        screen.Screen().ShouldContain("not sent: the connection is not secure yet");
        screen.Enter("/nick");
        screen.Screen().ShouldContain("usage: /nick NAME");
        screen.Enter("/clear");
        screen.Screen().ShouldNotContain("unknown command");
        quit.ShouldBeFalse();
        screen.Enter("/quit");
        quit.ShouldBeTrue();
        model.Detach();
    }

    [Fact]
    public async Task Nick_renames_this_side_the_server_sees_the_new_name_and_the_command_is_not_sent_as_text()
    {
        await using var pair = new LoopbackPair();
        var renamed = new TaskCompletionSource<PresenceNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new TaskCompletionSource<ChatMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.Server.PresenceChanged += n =>
        {
            if (n.Kind == PresenceKind.Renamed)
            {
                renamed.TrySetResult(n);
            }
        };
        pair.Server.MessageReceived += m => received.TrySetResult(m);
        await TestScreen.WithModel(pair.Client, isServer: false, async screen =>
        {
            await pair.ConnectAsync();
            await pair.ClientJoined;

            screen.PumpUntil(s => s.Contains("SecureChat test - you are Client", StringComparison.Ordinal), s_wait, "the own name in the title");
            screen.Enter("/nick Bob");
            string renamedScreen = screen.PumpUntil(s => s.Contains("SecureChat test - you are Bob", StringComparison.Ordinal), s_wait, "the new name in the title");
            renamedScreen.ShouldContain("you are now known as Bob");
            PresenceNotice notice = await renamed.Task.WaitAsync(s_wait);
            (notice.Name, notice.NewName).ShouldBe(("Client", "Bob"));

            screen.Enter("//nick is a command");
            ChatMessage first = await received.Task.WaitAsync(s_wait);
            (first.Sender, first.Text).ShouldBe(("Bob", "/nick is a command"), "the first message the server gets is the escaped line, from Bob");
            screen.Screen().ShouldContain("<Bob> /nick is a command");
        });
    }

    [Fact]
    public async Task Rekey_gives_both_sides_the_same_new_fingerprint_and_the_status_bar_shows_it()
    {
        await using var pair = new LoopbackPair();
        var serverRekeyed = new TaskCompletionSource<PeerInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new TaskCompletionSource<ChatMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.Server.Rekeyed += p => serverRekeyed.TrySetResult(p);
        pair.Server.MessageReceived += m => received.TrySetResult(m);
        await TestScreen.WithModel(pair.Client, isServer: false, async screen =>
        {
            await pair.ConnectAsync();
            await pair.ClientJoined;
            string before = pair.Client.Server!.Fingerprint!;
            screen.PumpUntil(s => s.Contains("key " + before, StringComparison.Ordinal), s_wait, "the first key hash");

            screen.Enter("/rekey");
            screen.Screen().ShouldContain("rekey started on 1 link(s)");
            string after = (await serverRekeyed.Task.WaitAsync(s_wait)).Fingerprint!;
            after.ShouldNotBe(before);
            screen.PumpUntil(s => s.Contains($"new keys with Server: fingerprint {after}", StringComparison.Ordinal), s_wait, "the new keys notice");
            screen.PumpUntil(s => s.Contains("│ key " + after + " │ new identity ", StringComparison.Ordinal), s_wait, "the new key hash in the status bar, then the identity with its trust state");

            screen.Enter("after the rekey");
            (await received.Task.WaitAsync(s_wait)).Text.ShouldBe("after the rekey", "the server's first message is the one typed after /rekey");
        }, width: 160); // room for the window, the key hash, the identity and the peer with its lag
    }

    [Fact]
    public async Task Peers_on_a_server_lists_each_client_with_its_name_address_stage_and_key()
    {
        await using var pair = new LoopbackPair(clientOptions: new ChatOptions { Name = "Bob" });
        await TestScreen.WithModel(pair.Server, isServer: true, async screen =>
        {
            screen.Enter("/peers");
            screen.Screen().ShouldContain("no peers connected");

            await pair.ConnectAsync();
            await pair.ClientJoined;
            PeerInfo bob = pair.Server.Links.Single();
            screen.Enter("/peers");
            screen.PumpUntil(s => s.Contains($"Bob at {StageWords.Address(bob.RemoteEndPoint)}: secure, key {bob.Fingerprint}", StringComparison.Ordinal), s_wait, "Bob in the list");
        });
    }

    [Fact]
    public async Task Peers_on_a_client_names_its_server()
    {
        await using var pair = new LoopbackPair(serverOptions: new ChatOptions { Name = "Alice" });
        await TestScreen.WithModel(pair.Client, isServer: false, async screen =>
        {
            screen.Enter("/peers");
            screen.Screen().ShouldContain("not connected");

            await pair.ConnectAsync();
            screen.PumpUntil(s => s.Contains("Alice is the server's operator", StringComparison.Ordinal), s_wait, "the server's name");
            screen.Enter("/peers");
            screen.Screen().ShouldContain($"connected to Alice at 127.0.0.1:{pair.Port} (secure)");
        });
    }
}

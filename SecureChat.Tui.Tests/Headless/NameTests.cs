using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>The name rules as people meet them, through real <c>--headless</c> processes.</summary>
public sealed class NameTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void Taken_lookalike_and_notice_like_names_are_refused_or_replaced_and_everyone_is_told()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        using RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(), "--headless", "--name", "Bob");
        server.WaitForOutput("[*] Bob joined", s_wait);
        client.WaitForOutput("[*] Alice is the server's operator", s_wait);

        server.WriteLine("/nick bob");
        WaitForError(server, "[!] name not changed: the name bob looks like Bob, a connected peer's name");
        server.WriteLine("/nick \u0392ob"); // Greek capital beta
        WaitForError(server, "[!] name not changed: the name \u0392ob looks like Bob");

        client.WriteLine("/nick *");
        WaitForError(client, "[!] name not changed: a name cannot start with *");
        client.WriteLine("/nick Eve\u2060");
        WaitForError(client, "[!] name not changed: a name cannot hold U+2060");

        client.WriteLine("/nick \u0410lice"); // Cyrillic A: valid on its own, but looks like the operator's name
        client.WaitForOutput("[*] the server named you \u0410lice-2", s_wait);
        server.WaitForOutput("[*] Bob is now known as \u0410lice-2", s_wait);
        server.Output.ShouldNotContain("known as \u0410lice\n");
        client.Output.ShouldNotContain("you are now known as", customMessage: "the client names itself only once the server has decided the name");

        client.WriteLine("exit");
        client.WaitForExit(s_wait).ShouldBe(0);
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    [Theory]
    [InlineData("\u2060")]
    [InlineData("*")]
    [InlineData("Alice\u200b")]
    [InlineData("[*] Server")]
    public void An_invisible_or_notice_like_name_on_the_command_line_is_refused_with_exit_code_2(string name)
    {
        using RunningApp app = AppUnderTest.Start("--server", "--headless", "--name", name);
        app.WaitForExit(s_wait).ShouldBe(2);
        app.Error.Trim().ShouldStartWith("securechat: --name: a name cannot");
        app.Output.ShouldBeEmpty();
    }

    private static void WaitForError(RunningApp app, string text)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!app.Error.Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > s_wait)
            {
                throw new ShouldAssertException($"'{text}' did not appear on stderr.\nstdout:\n{app.Output}\nstderr:\n{app.Error}");
            }

            Thread.Sleep(50);
        }
    }
}

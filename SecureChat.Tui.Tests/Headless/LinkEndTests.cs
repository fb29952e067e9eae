using System.Text.RegularExpressions;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.App;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>A headless client whose server goes away while lines still wait in its input (real processes and pipes).</summary>
public sealed partial class LinkEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 0)]
    public async Task A_client_fed_by_a_fast_producer_reports_the_end_once_with_the_number_of_lines_not_sent(bool serverQuits, int exitCode)
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        using RunningApp client = AppUnderTest.StartClient(port, "Bob", "Alice");

        // The producer writes as fast as the pipe takes lines, until the client is gone.
        using var stop = new CancellationTokenSource();
        Task producer = Task.Run(() =>
        {
            try
            {
                for (int i = 1; !stop.IsCancellationRequested; i++)
                {
                    client.WriteLine($"line {i}");
                }
            }
            catch (IOException)
            {
                // The client exited: the pipe is closed.
            }
        });
        server.WaitForOutput("[Bob]: line 200", s_wait);
        if (serverQuits)
        {
            server.WriteLine("exit");
        }
        else
        {
            server.Kill();
        }

        client.WaitForExit(s_wait).ShouldBe(exitCode, client.Error);
        stop.Cancel();
        await producer.WaitAsync(s_wait, TestContext.Current.CancellationToken);

        string[] errors = [.. client.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
        string[] notSent = [.. errors.Where(l => l.Contains("not sent", StringComparison.Ordinal))];
        output.WriteLine($"server {(serverQuits ? "quit" : "killed")}: {errors.Length} line(s) on stderr, {notSent.Length} of them about lines not sent");
        foreach (string line in errors.Take(5))
        {
            output.WriteLine("  " + line);
        }

        notSent.Length.ShouldBe(1, "the end is reported once, not once per line still waiting:\n" + client.Error);
        Match count = UnsentCount().Match(notSent[0]);
        count.Success.ShouldBeTrue(notSent[0]);
        int.Parse(count.Groups[1].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        errors[^1].ShouldBe(notSent[0], "the count is the last line on stderr");

        // A killed server sends no Close: the messages it had not acknowledged are named first, one line each under one
        // line that counts them (a server that quits says itself how many did not arrive).
        string[] unconfirmed = [.. errors.Where(l => l.StartsWith("[!]   not confirmed: ", StringComparison.Ordinal))];
        string[] header = [.. errors.Where(l => l.Contains("you sent are not confirmed", StringComparison.Ordinal) || l.Contains("you sent is not confirmed", StringComparison.Ordinal))];
        output.WriteLine($"{unconfirmed.Length} message(s) named as possibly not arrived");
        if (serverQuits)
        {
            unconfirmed.ShouldBeEmpty("a Close counts what did not arrive:\n" + client.Error);
        }
        else
        {
            header.Length.ShouldBe(1, client.Error);
            unconfirmed.Length.ShouldBeInRange(1, ChatWords.UnconfirmedShownMax, "at most this many are named one line each");
            string[] more = [.. errors.Where(l => l.StartsWith("[!]   ... and ", StringComparison.Ordinal))];
            int rest = more.Length == 0 ? 0 : int.Parse(more.Single()["[!]   ... and ".Length..].Split(' ')[0], System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
            header[0].ShouldStartWith($"[!] {(unconfirmed.Length + rest).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} message");
            unconfirmed = [.. unconfirmed, .. more];
        }

        errors.Except(unconfirmed).Except(header).Count().ShouldBeLessThanOrEqualTo(2, "the reason the link ended, then the count:\n" + client.Error);
    }

    [Fact]
    public async Task With_json_the_lines_not_sent_are_given_by_their_text_in_one_unsent_event()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        using RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(), "--json", "--name", "Bob");
        client.WaitForOutput("\"event\":\"operator\"", s_wait);
        using var stop = new CancellationTokenSource();
        Task producer = Task.Run(() =>
        {
            try
            {
                for (int i = 1; !stop.IsCancellationRequested; i++)
                {
                    client.WriteLine($"line {i}");
                }
            }
            catch (IOException)
            {
            }
        });
        server.WaitForOutput("[Bob]: line 200", s_wait);
        server.Kill();
        client.WaitForExit(s_wait).ShouldBe(1);
        stop.Cancel();
        await producer.WaitAsync(s_wait, TestContext.Current.CancellationToken);

        System.Text.Json.JsonElement[] events = [.. client.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)];
        System.Text.Json.JsonElement unsent = events.Single(e => e.GetProperty("event").GetString() == "unsent");
        unsent.ShouldBe(events[^1], "the count is the last line");
        string[] lines = [.. unsent.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!)];
        output.WriteLine($"{lines.Length} lines not sent, from '{lines[0]}' to '{lines[^1]}'");
        unsent.GetProperty("count").GetInt32().ShouldBe(lines.Length);
        lines.ShouldNotBeEmpty();
        int first = int.Parse(lines[0]["line ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        lines.ShouldBe([.. Enumerable.Range(first, lines.Length).Select(i => $"line {i}")], "every line not sent, in order");
    }

    [GeneratedRegex(@"^\[!\] ([\d,]+) lines? of input (was|were) not sent: ")]
    private static partial Regex UnsentCount();
}

using System.Diagnostics;
using System.Net;
using System.Text;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Online passphrase guessing from a fresh source prefix per guess (PROTOCOL.md 8, "failed key confirmations"): each
/// guess is a full, well-formed passphrase handshake with a wrong passphrase, from 127.N.M.1, a /24 the server has
/// never seen, so no per-source penalty ever applies. Only a server-wide budget of failed confirmations bounds the
/// rate; the figure measured is the failed confirmations the server saw per second.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class DistributedGuessingTests
{
    private const string Passphrase = "tulip-1987";
    private const int Guessers = 4;
    private static readonly TimeSpan s_attack = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Guesses_from_a_fresh_prefix_each_are_held_to_the_server_wide_budget()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { Passphrase = Encoding.UTF8.GetBytes(Passphrase) }, sourceLimits: true);
        int next = 0;
        int refused = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Guessers).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < s_attack)
            {
                int n = Interlocked.Increment(ref next);
                var from = IPAddress.Parse($"127.{1 + n / 250}.{n % 250}.1");
                var settings = new SessionSettings { Role = SessionRole.Client, Passphrase = Encoding.UTF8.GetBytes($"guess-{n}") };
                await using RawClient raw = await RawClient.ConnectAsync(live.Port, settings, from);
                if (!await raw.HandshakeAsync() && raw.Session.Failure?.Reason != FailureReason.KeyConfirmationFailed)
                {
                    Interlocked.Increment(ref refused);
                    await Task.Delay(50);
                }
            }
        })));
        TimeSpan took = clock.Elapsed;
        await Task.Delay(500); // the last failures reach the server's events

        int guesses = live.Failures.Count(f => f.Failure.Reason == FailureReason.KeyConfirmationFailed);
        int budget = new ChatOptions().FailedConfirmations;
        double allowed = budget + Guessers + budget * took.TotalMinutes;
        string figures = $"{guesses} guesses in {took.TotalSeconds:0.0} s from {next} fresh prefixes ({guesses / took.TotalSeconds:0.00}/s), " +
            $"{refused} connections refused; budget {budget} a minute, at most {allowed:0} allowed";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);

        guesses.ShouldBeGreaterThan(0, figures); // the attack is well formed: a guess reaches key confirmation
        guesses.ShouldBeLessThanOrEqualTo((int)allowed, figures);
    }

    /// <summary>
    /// With the budget overdrawn (1 a minute here, and one failed guess), a network the server has not seen gets only
    /// the busy refusal, while the network of a member who proved the passphrase a moment ago is still served.
    /// </summary>
    [Fact]
    public async Task While_the_budget_is_overdrawn_a_new_network_is_refused_as_busy_and_a_members_network_is_served()
    {
        await using LiveServer live = LiveServer.Start(
            new ChatOptions { Passphrase = Encoding.UTF8.GetBytes(Passphrase), FailedConfirmations = 1 }, sourceLimits: true);
        await using (var member = new ChatClient(new ChatOptions { Passphrase = Encoding.UTF8.GetBytes(Passphrase) }))
        {
            await member.ConnectAsync("127.0.0.1", live.Port).WaitAsync(TimeSpan.FromSeconds(20));
        }

        await GuessAsync(live, IPAddress.Parse("127.0.9.1"), "guess-1");

        await using RawClient stranger = await RawClient.ConnectAsync(live.Port, from: IPAddress.Parse("127.0.10.1"));
        AlertMessage? alert = await stranger.ReadAlertAsync(TimeSpan.FromSeconds(10));
        alert.ShouldNotBeNull("refused before its hello").Code.ShouldBe(AlertCode.ServerBusy);

        await using var again = new ChatClient(new ChatOptions { Passphrase = Encoding.UTF8.GetBytes(Passphrase), BusyRetries = 0 });
        await again.ConnectAsync("127.0.0.1", live.Port).WaitAsync(TimeSpan.FromSeconds(20));
        TestContext.Current.TestOutputHelper?.WriteLine($"after 1 failed guess with a budget of 1 a minute: a new network got {alert.Value.Code}, the member's network got in");
    }

    /// <summary>
    /// The per-source penalty counts the network, not the address: after a failed guess from 127.0.9.1, a hello from
    /// 127.0.9.200 must solve a puzzle, and one from 127.0.8.1 need not.
    /// </summary>
    [Fact]
    public async Task A_failed_guess_makes_every_address_of_its_slash_24_solve_a_puzzle_and_no_other()
    {
        await using LiveServer live = LiveServer.Start(
            new ChatOptions { Passphrase = Encoding.UTF8.GetBytes(Passphrase), FailedConfirmations = 0, PuzzleBits = 8 }, sourceLimits: true);
        await GuessAsync(live, IPAddress.Parse("127.0.9.1"), "guess-1");

        FrameType neighbour = await FirstAnswerAsync(live.Port, IPAddress.Parse("127.0.9.200"));
        FrameType elsewhere = await FirstAnswerAsync(live.Port, IPAddress.Parse("127.0.8.1"));
        TestContext.Current.TestOutputHelper?.WriteLine($"after a failed guess from 127.0.9.1: 127.0.9.200 got {neighbour}, 127.0.8.1 got {elsewhere}");

        neighbour.ShouldBe(FrameType.Puzzle);
        elsewhere.ShouldBe(FrameType.ServerHello);
    }

    private static async Task GuessAsync(LiveServer live, IPAddress from, string guess)
    {
        var settings = new SessionSettings { Role = SessionRole.Client, Passphrase = Encoding.UTF8.GetBytes(guess) };
        await using RawClient raw = await RawClient.ConnectAsync(live.Port, settings, from);
        (await raw.HandshakeAsync()).ShouldBeFalse();
        raw.Session.Failure.ShouldNotBeNull().Reason.ShouldBe(FailureReason.KeyConfirmationFailed);
        await Eventually.True(() => live.Failures.Any(f => f.Failure.Reason == FailureReason.KeyConfirmationFailed), "the server to see the failed guess", TimeSpan.FromSeconds(10));
        await Task.Delay(200); // the link's end (where the guess is counted) follows its failure
    }

    private static async Task<FrameType> FirstAnswerAsync(int port, IPAddress from)
    {
        await using RawClient raw = await RawClient.ConnectAsync(port, from: from);
        await raw.SendAsync(PrefixLimitTests.HelloFrame(WireFormat.FlagPassphrase));
        return (FrameType)(await raw.ReadFrameAsync(TimeSpan.FromSeconds(10))).ShouldNotBeNull()[0];
    }
}

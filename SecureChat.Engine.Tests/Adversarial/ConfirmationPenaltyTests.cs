using System.Net;
using System.Text;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;
using static SecureChat.Engine.Tests.Adversarial.AdmissionProbe;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Failed key confirmations raise the guessing address's puzzle difficulty (PROTOCOL.md 3.3 "Puzzle").
/// Live attacks on a real <see cref="ChatServer"/> on 127.0.0.1 with attackers on raw sockets (see
/// <see cref="AdmissionProbe"/> for the addresses used); every test checks why the server refused, not only that it did.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class ConfirmationPenaltyTests
{
    private static readonly TimeSpan s_read = ReadTimeout;

    // ---- 6. Failed confirmations slow the guesser ------------------------------------------------------------------

    [Fact]
    public async Task EachFailedConfirmationMakesTheGuessersNextPuzzleOneBitHarderAndLeavesOtherAddressesAlone()
    {
        await using LiveServer live = LiveServer.Start(
            new ChatOptions { Passphrase = Encoding.UTF8.GetBytes("tulip-1987"), PuzzleBits = 8 }, sourceLimits: true);
        byte passphraseFlag = WireFormat.FlagPassphrase;

        // Before any failure, nobody is asked for work.
        (await AnswerAsync(live.Port, RandomNonce(), null, passphraseFlag)).ShouldBe(FrameType.ServerHello);

        for (int failures = 1; failures <= 3; failures++)
        {
            await using var guesser = new ChatClient(new ChatOptions { Passphrase = Encoding.UTF8.GetBytes($"guess-{failures}") });
            ChatConnectionException refused = await Should.ThrowAsync<ChatConnectionException>(() => guesser.ConnectAsync("127.0.0.1", live.Port).WaitAsync(TimeSpan.FromSeconds(10)));
            refused.Failure.Reason.ShouldBe(FailureReason.KeyConfirmationFailed);
            await Eventually.True(
                () => live.Failures.Count(f => f.Failure.Reason == FailureReason.KeyConfirmationFailed) == failures,
                "the server to see the failed confirmation", s_read);

            PuzzleMessage puzzle = await AskAsync(live.Port, RandomNonce(), null, passphraseFlag);
            puzzle.Difficulty.ShouldBe((byte)(8 + failures - 1), $"after {failures} failures");
        }

        (await AnswerAsync(live.Port, RandomNonce(), null, passphraseFlag, IPAddress.Parse("127.0.40.1")))
            .ShouldBe(FrameType.ServerHello, "another address is not penalised");
    }
}

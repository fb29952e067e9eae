using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls.Group;

/// <summary>
/// The MLS working group's passive-client-handling-commit.json (mlswg/mls-implementations, suite 1 entries): a client
/// joins from the Welcome, then applies every epoch's commit with the proposals it names by reference, and reaches
/// each published epoch_authenticator.
/// </summary>
public sealed class PassiveClientHandlingCommitVectorTests
{
    private const string File = "mls/passive-client-handling-commit.json";

    [Fact]
    public void Every_suite_1_client_follows_every_commit_to_the_published_epoch_authenticators()
    {
        (int cases, int epochs, List<string> failures) = PassiveClient.RunAll(File, "MLS passive client (handling commits)");
        VectorFiles.Report($"{cases} suite-1 clients, {epochs} epochs followed");
        cases.ShouldBeGreaterThan(0, "passive-client-handling-commit.json holds no suite-1 case");
        failures.ShouldBeEmpty();
        epochs.ShouldBeGreaterThan(0);
    }
}

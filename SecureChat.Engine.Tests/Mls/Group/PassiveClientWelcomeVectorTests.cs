using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls.Group;

/// <summary>
/// The MLS working group's passive-client-welcome.json (mlswg/mls-implementations, suite 1 entries): a client joins
/// from the Welcome, with the ratchet tree in it or given out of band and with external PSKs, and reaches the
/// published initial epoch_authenticator; then it follows every published epoch.
/// </summary>
public sealed class PassiveClientWelcomeVectorTests
{
    private const string File = "mls/passive-client-welcome.json";

    [Fact]
    public void Every_suite_1_client_joins_from_the_welcome_and_follows_every_epoch_to_the_published_authenticators()
    {
        (int cases, int epochs, List<string> failures) = PassiveClient.RunAll(File, "MLS passive client (welcome)");
        VectorFiles.Report($"{cases} suite-1 clients joined, {epochs} epochs followed");
        cases.ShouldBeGreaterThan(0, "passive-client-welcome.json holds no suite-1 case");
        failures.ShouldBeEmpty();
    }
}

using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;
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
        using JsonDocument doc = VectorFiles.RequireJson(File, "MLS passive client (welcome)");
        var failures = new List<string>();
        int cases = 0, epochs = 0, index = -1;
        foreach (JsonElement entry in doc.RootElement.EnumerateArray())
        {
            index++;
            if (entry.GetProperty("cipher_suite").GetUInt16() != 1)
            {
                continue;
            }

            cases++;
            string? failure = PassiveClient.Run(entry, out int followed);
            epochs += followed;
            if (failure is not null)
            {
                failures.Add($"case {index}: {failure}");
            }
        }

        VectorFiles.Report($"{cases} suite-1 clients joined, {epochs} epochs followed");
        cases.ShouldBeGreaterThan(0, "passive-client-welcome.json holds no suite-1 case");
        failures.ShouldBeEmpty();
    }
}

using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>
/// A Request <c>key package</c> for someone who has connected but not yet sent its KeyPackages (PROTOCOL.md 4.8, direct
/// conversations): the hub answers it once that record is handled, or when that link ends first, never before.
/// </summary>
public sealed class KeyPackageWaitTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly TestHub _hub;
    private readonly DsMember _bobKeys = new("Bob");
    private readonly DsMember _carolKeys = new("Carol");
    private readonly TestHub.Client _bob;
    private readonly TestHub.Client _carol;

    public KeyPackageWaitTests()
    {
        _hub = new TestHub(new HubSettings { Time = _time });
        _bob = _hub.Connect(_bobKeys);
        Publish(_bob, _bobKeys);
        _carol = _hub.Connect(_carolKeys); // connected, its KeyPackages not sent yet
        _hub.ClearAll();
    }

    private void Publish(TestHub.Client client, DsMember keys) =>
        _hub.Router.KeyPackages(client.Member, new KeyPackagesRecord(true, [.. Enumerable.Range(0, 9).Select(_ => keys.NewKeyPackage(_time))]));

    private static string Whose(DsMember keys) => "i" + (Convert.FromHexString(keys.Identity)[0] - 1);

    private string CarolDigestText => _carolKeys.Identity.ToLowerInvariant();

    [Fact]
    public void A_request_for_someone_who_has_not_published_yet_is_answered_with_a_key_package_of_the_first_record_it_sends()
    {
        _bob.Ask(RoomOp.KeyPackage, "", "", CarolDigestText);
        _bob.Ask(RoomOp.KeyPackage, "", "Carol"); // the same person by name: still one answer

        _bob.Take().ShouldBeEmpty("the hub holds none of Carol's yet, and she is about to send them");

        Publish(_carol, _carolKeys);

        List<string> answers = _bob.Take();
        answers.Count.ShouldBe(1, string.Join("; ", answers));
        answers[0].ShouldStartWith("KeyPackage Carol(");
        KeyPackage handed = MlsMessage.Decode(_bob.Output.Last<KeyPackageRelayRecord>().Mls).KeyPackage!;
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(handed.LeafNode.Credential.Identity)).ShouldBe(_carolKeys.Identity);

        _bob.Ask(RoomOp.KeyPackage, "", "Carol");
        _bob.Take().Single().ShouldStartWith("KeyPackage Carol(", customMessage: "published now: answered at once");
    }

    [Fact]
    public void A_request_for_someone_whose_link_ends_before_it_publishes_is_answered_no_key_package_then()
    {
        _bob.Ask(RoomOp.KeyPackage, "", "Carol");
        _bob.Take().ShouldBeEmpty();

        _hub.Router.Drop(_carol.Member); // away: still a member of #lobby, but with no link to publish on

        List<string> told = _bob.Take();
        told.ShouldContain($"Presence Away Carol({Whose(_carolKeys)}) flags=0 ''");
        told.Where(l => !l.StartsWith("Presence", StringComparison.Ordinal)).ShouldBe([$"Reply NoKeyPackage KeyPackage  Carol({Whose(_carolKeys)})"]);
        _bob.Ask(RoomOp.KeyPackage, "", "", CarolDigestText);
        _bob.Take().Single().ShouldStartWith("Reply NoKeyPackage", customMessage: "away without key packages: answered at once");
    }

    [Fact]
    public void A_request_for_someone_whose_first_key_packages_all_fail_the_checks_is_answered_no_key_package()
    {
        var other = new DsMember("Other");
        _bob.Ask(RoomOp.KeyPackage, "", "Carol");

        _hub.Router.KeyPackages(_carol.Member, new KeyPackagesRecord(true, [other.NewKeyPackage(_time)]));

        _carol.Take().ShouldBe(["Reply BadKeyPackage KeyPackages  (-)"]);
        _bob.Take().Single().ShouldStartWith("Reply NoKeyPackage KeyPackage  Carol(");
    }

    [Fact]
    public void A_requester_that_left_before_the_key_packages_came_is_not_answered()
    {
        _bob.Ask(RoomOp.KeyPackage, "", "Carol");
        _hub.Router.Quit(_bob.Member);
        _hub.ClearAll();

        Publish(_carol, _carolKeys);

        _bob.Take().ShouldBeEmpty();
    }
}

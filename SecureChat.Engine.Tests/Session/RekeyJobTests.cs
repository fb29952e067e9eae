using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Session;

/// <summary>
/// The rekey's exponentiations run as jobs a driver runs outside its lock: nothing is written until a job has run,
/// chat keeps flowing meanwhile, and a job that comes back too late is wiped and ignored.
/// </summary>
public sealed class RekeyJobTests
{
    [Fact]
    public void Requesting_a_rekey_writes_nothing_until_its_key_generation_job_has_run()
    {
        using SessionPair pair = SessionPair.Established();
        pair.Client.RequestRekey().ShouldBeTrue();
        pair.Client.Stage.ShouldBe(SessionStage.Rekeying);
        pair.Client.HasOutput.ShouldBeFalse("key generation must not run in the caller's call");

        using RekeyJob job = pair.Client.TakeRekeyJob().ShouldNotBeNull();
        pair.Client.TakeRekeyJob().ShouldBeNull("a job is handed out once");
        job.Run();
        pair.Client.CompleteRekeyJob(job);
        Frames.Split(pair.Take(pair.Client)).Select(Frames.TypeOf).ShouldBe([FrameType.RekeyInit]);
    }

    [Fact]
    public void The_responder_answers_only_after_its_job_has_run_and_chat_flows_both_ways_meanwhile()
    {
        using SessionPair pair = SessionPair.Established();
        pair.RecordGroups();
        string before = pair.Client.Fingerprint!;
        pair.Client.RequestRekey().ShouldBeTrue();
        pair.RunJobs(pair.Client);
        pair.Deliver(pair.Server, pair.Take(pair.Client)); // RekeyInit; the server's answer is now a pending job
        pair.Server.Stage.ShouldBe(SessionStage.Rekeying);
        pair.Server.HasOutput.ShouldBeFalse("the responder's exponentiations must not run while the record is handled");

        pair.ServerChat.SendText("while the server computes");
        pair.ClientChat.SendText("while the client waits");
        pair.Deliver(pair.Client, pair.Take(pair.Server));
        pair.Deliver(pair.Server, pair.Take(pair.Client));
        pair.GroupRecords!.AtClient().ShouldBe(["while the server computes"]);
        pair.GroupRecords!.AtHub().ShouldBe(["while the client waits"]);

        pair.RunJobs(pair.Server);
        byte[] answer = pair.Take(pair.Server);
        Frames.Split(answer).Select(Frames.TypeOf).ShouldBe([FrameType.Ack, FrameType.RekeyAck], "the Ack for the client's message, then the answer: sealed records show their type in the clear");
        pair.Deliver(pair.Client, answer);
        pair.Pump();
        pair.Client.Stage.ShouldBe(SessionStage.Secure);
        pair.Server.Stage.ShouldBe(SessionStage.Secure);
        pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
        pair.Client.Fingerprint.ShouldNotBe(before);
    }

    [Fact]
    public void A_clients_key_generation_that_finishes_after_the_server_asked_first_is_dropped()
    {
        using SessionPair pair = SessionPair.Established();
        pair.Client.RequestRekey().ShouldBeTrue();
        RekeyJob late = pair.Client.TakeRekeyJob().ShouldNotBeNull();

        pair.Server.RequestRekey().ShouldBeTrue();
        pair.RunJobs(pair.Server);
        pair.Deliver(pair.Client, pair.Take(pair.Server)); // the server's RekeyInit reaches a client that had not sent its own
        late.Run();
        pair.Client.CompleteRekeyJob(late);
        late.OwnKey.ShouldBeNull("a dropped job is wiped");

        pair.Pump();
        pair.EventsOf<RekeyedEvent>(pair.Client).ShouldHaveSingleItem();
        pair.EventsOf<RekeyedEvent>(pair.Server).ShouldHaveSingleItem();
        pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
        pair.Client.Stage.ShouldBe(SessionStage.Secure);
    }

    [Fact]
    public void A_job_handed_back_after_the_session_closed_is_wiped_and_ignored()
    {
        using SessionPair pair = SessionPair.Established();
        pair.Client.RequestRekey().ShouldBeTrue();
        RekeyJob job = pair.Client.TakeRekeyJob().ShouldNotBeNull();
        pair.Client.Close();
        pair.Take(pair.Client);
        job.Run();
        pair.Client.CompleteRekeyJob(job);
        pair.Client.HasOutput.ShouldBeFalse();
        job.OwnKey.ShouldBeNull();
        pair.Client.Stage.ShouldBe(SessionStage.Closed);
    }

    [Fact]
    public void A_tick_alone_starts_a_rekey_once_the_keys_are_older_than_the_stated_time()
    {
        var time = new ManualTime();
        using SessionPair pair = SessionPair.Established(client: s => s with { Time = time, RekeyAfterTime = TimeSpan.FromMinutes(5), IdleTimeout = TimeSpan.FromDays(1), HeartbeatInterval = TimeSpan.FromHours(12) });
        time.Advance(TimeSpan.FromMinutes(4));
        pair.Client.OnTick(time.GetTimestamp());
        pair.Client.Stage.ShouldBe(SessionStage.Secure);

        time.Advance(TimeSpan.FromMinutes(1));
        pair.Client.OnTick(time.GetTimestamp());
        pair.Client.Stage.ShouldBe(SessionStage.Rekeying, "an idle link rekeys by age without anything being sent");
        pair.Pump();
        pair.EventsOf<RekeyedEvent>(pair.Server).ShouldHaveSingleItem();
        pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
    }
}

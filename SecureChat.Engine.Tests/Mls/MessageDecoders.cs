using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>The structure behind each field of messages.json: decode (whole input) and re-encode.</summary>
internal static class MessageDecoders
{
    public static readonly (string Field, Func<byte[], object> Decode, Func<object, byte[]> Encode)[] Fields =
    [
        Entry("mls_welcome", ReadMessage(WireFormat.Welcome), static (w, v) => v.Write(w)),
        Entry("mls_group_info", ReadMessage(WireFormat.GroupInfo), static (w, v) => v.Write(w)),
        Entry("mls_key_package", ReadMessage(WireFormat.KeyPackage), static (w, v) => v.Write(w)),
        Entry("group_secrets", GroupSecrets.Read, static (w, v) => v.Write(w)),
        Entry("add_proposal", AddProposal.ReadBody, static (w, v) => v.WriteBody(w)),
        Entry("update_proposal", UpdateProposal.ReadBody, static (w, v) => v.WriteBody(w)),
        Entry("remove_proposal", RemoveProposal.ReadBody, static (w, v) => v.WriteBody(w)),
        Entry("pre_shared_key_proposal", PreSharedKeyProposal.ReadBody, static (w, v) => v.WriteBody(w)),
        Entry("re_init_proposal", ReInitProposal.ReadBody, static (w, v) => v.WriteBody(w)),
        Entry("external_init_proposal", ExternalInitProposal.ReadBody, static (w, v) => v.WriteBody(w)),
        Entry("group_context_extensions_proposal", GroupContextExtensionsProposal.ReadBody, static (w, v) => v.WriteBody(w)),
        Entry("commit", Commit.Read, static (w, v) => v.Write(w)),
        Entry("public_message_application", ReadPublic(ContentType.Application), static (w, v) => v.Write(w)),
        Entry("public_message_proposal", ReadPublic(ContentType.Proposal), static (w, v) => v.Write(w)),
        Entry("public_message_commit", ReadPublic(ContentType.Commit), static (w, v) => v.Write(w)),
        Entry("private_message", ReadMessage(WireFormat.PrivateMessage), static (w, v) => v.Write(w)),
    ];

    public static Func<byte[], object> Decoder(string field) => Fields.Single(f => f.Field == field).Decode;

    /// <summary>An MLSMessage that must be of <paramref name="format"/>, as the vector's field promises.</summary>
    private static ReadFunc<MlsMessage> ReadMessage(WireFormat format) => (ref MlsReader r) =>
    {
        MlsMessage message = MlsMessage.Read(ref r);
        message.WireFormat.ShouldBe(format);
        return message;
    };

    private static ReadFunc<MlsMessage> ReadPublic(ContentType type) => (ref MlsReader r) =>
    {
        MlsMessage message = ReadMessage(WireFormat.PublicMessage)(ref r);
        message.PublicMessage!.Content.ContentType.ShouldBe(type);
        return message;
    };

    private static (string, Func<byte[], object>, Func<object, byte[]>) Entry<T>(string field, ReadFunc<T> read, Action<MlsWriter, T> write)
        where T : notnull =>
        (field,
         bytes =>
         {
             MlsReader r = new(bytes);
             T value = read(ref r);
             r.ExpectEnd();
             return value;
         },
         value => MlsWriter.Encode(w => write(w, (T)value)));
}

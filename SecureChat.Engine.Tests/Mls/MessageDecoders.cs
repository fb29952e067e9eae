using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>The structure behind each field of messages.json: decode (whole input) and re-encode.</summary>
internal static class MessageDecoders
{
    public static readonly (string Field, Func<byte[], object> Decode, Func<object, byte[]> Encode)[] Fields =
    [
        Entry("add_proposal", AddProposal.ReadBody, static (w, v) => v.WriteBody(w)),
        Entry("update_proposal", UpdateProposal.ReadBody, static (w, v) => v.WriteBody(w)),
        Entry("remove_proposal", RemoveProposal.ReadBody, static (w, v) => v.WriteBody(w)),
        Entry("pre_shared_key_proposal", PreSharedKeyProposal.ReadBody, static (w, v) => v.WriteBody(w)),
        Entry("re_init_proposal", ReInitProposal.ReadBody, static (w, v) => v.WriteBody(w)),
        Entry("external_init_proposal", ExternalInitProposal.ReadBody, static (w, v) => v.WriteBody(w)),
        Entry("group_context_extensions_proposal", GroupContextExtensionsProposal.ReadBody, static (w, v) => v.WriteBody(w)),
        Entry("commit", Commit.Read, static (w, v) => v.Write(w)),
    ];

    public static Func<byte[], object> Decoder(string field) => Fields.Single(f => f.Field == field).Decode;

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

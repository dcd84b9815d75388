using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Host.Errors;

/// <summary>
/// Every text field of a request body is plain text: control characters other than tab and line breaks are refused as the
/// body is read (PostgreSQL cannot store U+0000 in text at all, and none belongs in a name, a note or a code). The refusal
/// is a 422 naming the field (<see cref="ProblemMapping"/>).
/// </summary>
public sealed class PlainText : JsonConverter<string>
{
    public const string Refusal = "不能含控制字符 (text must not contain control characters)";

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"The JSON value could not be converted to {typeof(string)}.");
        var text = reader.GetString()!;
        if (text.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r'))) throw new JsonException(Refusal);
        return text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Applicants;
using Workflows.Runtime;

namespace Workflows.Definitions;

/// <summary>The application form (申请表) of a procedure, declared by its definition: what the workbench asks for when an
/// official files an application, and what the service checks when it arrives — the same declaration for both, so a
/// province that changes its form in the designer changes both at once. The applicant's name and ID number are always
/// asked for (API.md, Cases); everything else is declared here.</summary>
public sealed class IntakeForm
{
    /// <summary>Fields of the application, by path: <c>applicant.phone</c>, <c>data.residence</c>, <c>data.employer.name</c>.</summary>
    public List<FormField> Fields { get; set; } = new();
    /// <summary>The fields asked of each household member (<c>household.members[i]</c>); absent: no members asked for.</summary>
    public List<FormField>? Members { get; set; }
    /// <summary>The household's assets (<c>household.assets</c>: cash, deposits, securities, claims) are asked for.</summary>
    public bool Assets { get; set; }
}

/// <summary>One field of a form: where its value goes, how it is labelled, and what it must be.</summary>
public sealed class FormField
{
    public string Field { get; set; } = "";
    public string Label { get; set; } = "";
    /// <summary>One of <see cref="FormFieldTypes.All"/>.</summary>
    public string Type { get; set; } = FormFieldTypes.Text;
    public bool Required { get; set; }
    public string? Help { get; set; }
    public string? Unit { get; set; }
    /// <summary>The choices of a <c>choice</c> field.</summary>
    public List<FormChoice>? Options { get; set; }
    public decimal? Min { get; set; }
    public decimal? Max { get; set; }
    /// <summary>The fields of each item of a <c>list</c> field (e.g. a witness's name and phone).</summary>
    public List<FormField>? Fields { get; set; }
    public int? MinItems { get; set; }
}

public sealed class FormChoice
{
    public string Value { get; set; } = "";
    public string Label { get; set; } = "";
}

public static class FormFieldTypes
{
    public const string Text = "text";
    public const string Number = "number";
    public const string Integer = "integer";
    public const string Money = "money";
    public const string Boolean = "boolean";
    public const string Choice = "choice";
    public const string Date = "date";
    public const string Month = "month";
    public const string IdNumber = "idNumber";
    public const string Phone = "phone";
    public const string BankAccount = "bankAccount";
    public const string List = "list";
    public static readonly string[] All = [Text, Number, Integer, Money, Boolean, Choice, Date, Month, IdNumber, Phone, BankAccount, List];
    public const int MaxTextLength = 500;
}

/// <summary>What a form's declaration demands of the values sent: the server's half of the form (the workbench checks the
/// same as the official types, from the same declaration).</summary>
public static class IntakeChecks
{
    private const int MaxListItems = 50;

    /// <summary>Adds an error per field of <paramref name="root"/> ({applicant, household, data}) that breaks the form.</summary>
    public static void Collect(IntakeForm? form, JsonObject root, DateOnly today, FieldErrors errors)
    {
        if (form is null) return;
        foreach (var field in form.Fields) Check(field, FieldPaths.Resolve(root, field.Field), field.Field, today, errors);
        if (form.Members is not { } memberFields) return;
        // Whether members must be listed at all is the procedure's rule (rules: household.members), not the form's.
        if ((root["household"] as JsonObject)?["members"] is not JsonArray members) return;
        for (var i = 0; i < members.Count; i++)
            foreach (var field in memberFields)
                Check(field, (members[i] as JsonObject)?[field.Field], $"household.members[{i}].{field.Field}", today, errors);
    }

    private static void Check(FormField field, JsonNode? value, string path, DateOnly today, FieldErrors errors)
    {
        if (IsEmpty(value))
        {
            if (field.Required) errors.Add(path, $"{field.Label}必填 (required)");
            return;
        }
        if (Problem(field, value!, path, today, errors) is { } problem) errors.Add(path, $"{field.Label}{problem}");
    }

    private static string? Problem(FormField field, JsonNode value, string path, DateOnly today, FieldErrors errors)
    {
        switch (field.Type)
        {
            case FormFieldTypes.Text:
                return Text(value) is { } text ? text.Length > FormFieldTypes.MaxTextLength ? $"最多 {FormFieldTypes.MaxTextLength} 个字符" : null : "应为文字 (text)";
            case FormFieldTypes.Number or FormFieldTypes.Integer or FormFieldTypes.Money:
                if (Number(value) is not { } n) return "应为数字 (a number)";
                if (field.Type == FormFieldTypes.Integer && n != decimal.Truncate(n)) return "应为整数 (a whole number)";
                if (field.Type == FormFieldTypes.Money && (n < 0 || decimal.Round(n, 2) != n)) return "应为不小于 0、最多两位小数的金额（元）";
                if (field.Min is { } min && n < min) return $"不能小于 {min}{field.Unit}";
                if (field.Max is { } max && n > max) return $"不能大于 {max}{field.Unit}";
                return null;
            case FormFieldTypes.Boolean:
                return value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : "应为是或否 (true or false)";
            case FormFieldTypes.Choice:
                var chosen = Text(value);
                return field.Options?.Any(o => o.Value == chosen) == true ? null
                    : $"应为以下之一：{string.Join("、", field.Options?.Select(o => $"{o.Label}（{o.Value}）") ?? [])}";
            case FormFieldTypes.Date:
                return DateOnly.TryParseExact(Text(value), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : "应为日期 YYYY-MM-DD";
            case FormFieldTypes.Month:
                return DateOnly.TryParseExact(Text(value) + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : "应为月份 YYYY-MM";
            case FormFieldTypes.IdNumber:
                return IdNumber.Problem(Text(value), today) is { } idProblem ? $"：{idProblem}" : null;
            case FormFieldTypes.Phone:
                // As the service takes an applicant's phone anywhere: digits with + - and spaces, as people write them.
                return Text(value) is { Length: <= 20 } phone && phone.All(c => char.IsAsciiDigit(c) || c is '-' or '+' or ' ')
                       && phone.Count(char.IsAsciiDigit) >= 7 ? null : "应为电话号码（至少 7 位数字，最多 20 个字符）";
            case FormFieldTypes.BankAccount:
                return Text(value) is { Length: >= 10 and <= 30 } account && account.All(char.IsAsciiDigit) ? null : "应为 10–30 位数字的银行账号";
            case FormFieldTypes.List:
                if (value is not JsonArray items) return "应为列表 (a list)";
                if (items.Count > MaxListItems) return $"最多 {MaxListItems} 项";
                if (field.MinItems is { } least && items.Count < least) return $"至少 {least} 项 (at least {least})";
                for (var i = 0; i < items.Count; i++)
                    foreach (var part in field.Fields ?? [])
                        Check(part, (items[i] as JsonObject)?[part.Field], $"{path}[{i}].{part.Field}", today, errors);
                return null;
            default:
                return null; // the validator refuses unknown types before a definition is published
        }
    }

    private static bool IsEmpty(JsonNode? value) =>
        value is null || (value is JsonValue v && v.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(v.GetValue<string>()));

    private static string? Text(JsonNode value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static decimal? Number(JsonNode value) =>
        // Read from the JSON text: a value built in code (an int) does not convert with TryGetValue<decimal> as a parsed one does.
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;
}

/// <summary>A field's path (<c>data.employer.name</c>) read from an application's {applicant, household, data}: the one
/// reading shared by a definition's rules and its form.</summary>
public static class FieldPaths
{
    public static JsonNode? Resolve(JsonObject root, string path)
    {
        JsonNode? node = root;
        foreach (var part in path.Split('.'))
            node = node is JsonObject o ? o[part] : null;
        return node;
    }
}

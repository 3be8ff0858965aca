<#
.SYNOPSIS
    Builds the module's MAML help (Scylla.PowerShell.dll-Help.xml) from docs/en-US/<Cmdlet>.psd1 and the cmdlets' metadata.
.DESCRIPTION
    The prose (synopsis, description, parameter texts, examples, notes) comes from the source files; the syntax, parameter
    types, positions, pipeline binding and wildcard support come from the built cmdlets, so they never go stale.
    Run in a pwsh of its own: it imports the built module.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SourcePath,
    [Parameter(Mandatory)] [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
$module = Import-Module $ModulePath -PassThru
$common = [System.Management.Automation.PSCmdlet]::CommonParameters
$optional = [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
# -WhatIf and -Confirm are documented once here rather than in every source file.
$shouldProcessHelp = @{
    WhatIf  = 'Shows what the cmdlet would change, one line per item, and changes nothing.'
    Confirm = 'Asks before each change. Without it the cmdlet never prompts at the default $ConfirmPreference.'
}

function Text([string] $Value) { [System.Security.SecurityElement]::Escape($Value) }

function Paragraphs([string] $Value) {
    ($Value.Trim() -split '\r?\n\s*\r?\n' | ForEach-Object { "<maml:para>$(Text ($_ -replace '\s*\r?\n\s*', ' '))</maml:para>" }) -join ''
}

function PipelineInput($Parameter) {
    $kinds = @($Parameter.ParameterSets.Values | ForEach-Object {
            if ($_.ValueFromPipeline) { 'ByValue' }
            if ($_.ValueFromPipelineByPropertyName) { 'ByPropertyName' }
        } | Sort-Object -Unique)
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

# The type as Get-Command -Syntax shows it: no namespace, nullable as its underlying type (int, string[], RunStatus[]).
function TypeName([type] $Type) {
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { $Type = $underlying }
    [Microsoft.PowerShell.ToStringCodeMethods]::Type([psobject]$Type) -replace '^[\w.]*\.', ''
}

# A switch takes no value, so its syntax and parameter entries have none: [-JudgeOnly], not [-JudgeOnly <SwitchParameter>].
function ParameterValue([type] $Type) {
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { '' } else { "<command:parameterValue required=`"true`">$(Text (TypeName $Type))</command:parameterValue>" }
}

function Position($Parameter, $Set) {
    $position = if ($Set) { $Parameter.ParameterSets[$Set.Name].Position } else { @($Parameter.ParameterSets.Values.Position | Where-Object { $_ -ge 0 })[0] }
    if ($null -ne $position -and $position -ge 0) { $position } else { 'named' }
}

$commands = foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $sourceFile = Join-Path $SourcePath "$($command.Name).psd1"
    if (-not (Test-Path $sourceFile)) { throw "No help source for $($command.Name): $sourceFile" }
    $source = Import-PowerShellDataFile $sourceFile
    $parameters = $command.Parameters.Values | Where-Object { $_.Name -notin $common -and $_.Name -notin $optional } | Sort-Object Name
    foreach ($parameter in $parameters) {
        if (-not $source.Parameters[$parameter.Name]) { throw "$($command.Name) -$($parameter.Name) has no help text in $sourceFile" }
    }

    $texts = $source.Parameters + $shouldProcessHelp
    $parameters = @($parameters) + @($command.Parameters.Values | Where-Object Name -in $shouldProcessHelp.Keys | Sort-Object Name -Descending)

    $syntax = foreach ($set in $command.ParameterSets) {
        # Get-Command's order: positional parameters by position, then mandatory named ones, then the rest.
        $inSet = @($set.Parameters | Where-Object { $_.Name -notin $common })
        $ordered = @($inSet | Where-Object Position -ge 0 | Sort-Object Position) + @($inSet | Where-Object { $_.Position -lt 0 -and $_.IsMandatory }) +
            @($inSet | Where-Object { $_.Position -lt 0 -and -not $_.IsMandatory })
        $items = foreach ($p in $ordered) {
            "<command:parameter required=`"$($p.IsMandatory.ToString().ToLower())`" globbing=`"false`" pipelineInput=`"$(PipelineInput $command.Parameters[$p.Name])`" position=`"$(Position $command.Parameters[$p.Name] $set)`"><maml:name>$($p.Name)</maml:name>$(ParameterValue $p.ParameterType)</command:parameter>"
        }
        "<command:syntaxItem><maml:name>$($command.Name)</maml:name>$($items -join '')</command:syntaxItem>"
    }

    $parameterHelp = foreach ($p in $parameters) {
        $globbing = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        $required = [bool]($p.ParameterSets.Values | Where-Object IsMandatory)
        $default = if ($source.Defaults -and $source.Defaults[$p.Name]) { $source.Defaults[$p.Name] } else { 'None' }
        "<command:parameter required=`"$($required.ToString().ToLower())`" globbing=`"$($globbing.ToString().ToLower())`" pipelineInput=`"$(PipelineInput $p)`" position=`"$(Position $p $null)`"><maml:name>$($p.Name)</maml:name><maml:description>$(Paragraphs $texts[$p.Name])</maml:description>$(ParameterValue $p.ParameterType)<dev:type><maml:name>$(Text $p.ParameterType.FullName)</maml:name></dev:type><dev:defaultValue>$(Text $default)</dev:defaultValue></command:parameter>"
    }

    $inputs = foreach ($p in $parameters | Where-Object { (PipelineInput $_) -ne 'False' }) {
        "<command:inputType><dev:type><maml:name>$(Text $p.ParameterType.FullName)</maml:name></dev:type><maml:description><maml:para>-$($p.Name), $(PipelineInput $p)</maml:para></maml:description></command:inputType>"
    }

    $outputs = foreach ($type in $command.OutputType) {
        $note = if ($source.Outputs -and $source.Outputs[$type.Name]) { $source.Outputs[$type.Name] } else { '' }
        "<command:returnValue><dev:type><maml:name>$(Text $type.Name)</maml:name></dev:type><maml:description>$(Paragraphs $note)</maml:description></command:returnValue>"
    }

    if ($source.Examples.Count -lt 2) { throw "$($command.Name) needs at least two examples in $sourceFile" }
    $index = 0
    $examples = foreach ($example in $source.Examples) {
        $index++
        "<command:example><maml:title>-------------------------- Example $index`: $(Text $example.Title) --------------------------</maml:title><dev:code>$(Text $example.Code.Trim())</dev:code><dev:remarks>$(Paragraphs $example.Remarks)</dev:remarks></command:example>"
    }

    $notes = if ($source.Notes) { "<maml:alertSet><maml:alert>$(Paragraphs $source.Notes)</maml:alert></maml:alertSet>" } else { '' }
    @"
<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">
<command:details><command:name>$($command.Name)</command:name><command:verb>$($command.Verb)</command:verb><command:noun>$($command.Noun)</command:noun><maml:description><maml:para>$(Text $source.Synopsis)</maml:para></maml:description></command:details>
<maml:description>$(Paragraphs $source.Description)</maml:description>
<command:syntax>$($syntax -join '')</command:syntax>
<command:parameters>$($parameterHelp -join '')</command:parameters>
<command:inputTypes>$($inputs -join '')</command:inputTypes>
<command:returnValues>$($outputs -join '')</command:returnValues>
$notes
<command:examples>$($examples -join '')</command:examples>
<command:relatedLinks><maml:navigationLink><maml:linkText>about_Scylla</maml:linkText></maml:navigationLink></command:relatedLinks>
</command:command>
"@
}

New-Item -ItemType Directory -Force $OutputPath | Out-Null
$xml = "<?xml version=`"1.0`" encoding=`"utf-8`"?>`n<helpItems schema=`"maml`" xmlns=`"http://msh`">`n$($commands -join "`n")`n</helpItems>`n"
[xml]$xml | Out-Null # well-formed, or fail the build
Set-Content (Join-Path $OutputPath 'Scylla.PowerShell.dll-Help.xml') $xml -Encoding utf8NoBOM
Copy-Item (Join-Path $SourcePath 'about_Scylla.help.txt') $OutputPath

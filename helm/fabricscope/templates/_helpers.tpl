{{/*
Names: "<release>-fabricscope" unless the release name already holds the chart name; 63 characters
at most (DNS label), as `helm create` does.
*/}}
{{- define "fabricscope.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "fabricscope.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* "<fullname>-server", "<fullname>-agent", ... (room left for the suffix) */}}
{{- define "fabricscope.server.name" -}}
{{- printf "%s-server" (include "fabricscope.fullname" . | trunc 56 | trimSuffix "-") }}
{{- end }}

{{- define "fabricscope.agent.name" -}}
{{- printf "%s-agent" (include "fabricscope.fullname" . | trunc 57 | trimSuffix "-") }}
{{- end }}

{{- define "fabricscope.agent.tokenSecret" -}}
{{- default (printf "%s-tokens" (include "fabricscope.agent.name" .)) .Values.agent.tokenSecret }}
{{- end }}

{{- define "fabricscope.h2.claim" -}}
{{- default (printf "%s-h2" (include "fabricscope.server.name" .)) .Values.database.h2.persistence.existingClaim }}
{{- end }}

{{- define "fabricscope.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "fabricscope.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one component (call with (list $ "server") or (list $ "agent")) */}}
{{- define "fabricscope.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "fabricscope.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "fabricscope.image" -}}
{{- $image := index . 0 -}}
{{- $root := index . 1 -}}
{{- printf "%s:%s" $image.repository (default $root.Chart.AppVersion $image.tag) }}
{{- end }}

{{/*
A server setting's environment variable, as SmallRye Config looks a property up in the
environment: every character but letters and digits becomes "_", then upper case
(fabricscope.bandwidth.efficiency.gpu-copy -> FABRICSCOPE_BANDWIDTH_EFFICIENCY_GPU_COPY).
*/}}
{{- define "fabricscope.envName" -}}
{{- regexReplaceAll "[^A-Za-z0-9]" . "_" | upper }}
{{- end }}

{{/*
A setting's value as text. Values files hold numbers as float64, which print as 6.7108864e+07:
whole numbers are printed as integers.
*/}}
{{- define "fabricscope.settingValue" -}}
{{- if and (kindIs "float64" .) (eq (floor .) .) }}
{{- int64 . | toString }}
{{- else }}
{{- toString . }}
{{- end }}
{{- end }}

{{/* The URL agents send to: the chart's Service unless agent.serverUrl is set */}}
{{- define "fabricscope.agent.serverUrl" -}}
{{- if .Values.agent.serverUrl }}
{{- .Values.agent.serverUrl }}
{{- else }}
{{- printf "http://%s.%s.svc:%d" (include "fabricscope.server.name" .) .Release.Namespace (int .Values.server.service.port) }}
{{- end }}
{{- end }}

{{/* Agents prove their node with a Kubernetes service-account token (agent.identity). */}}
{{- define "fabricscope.agent.kubernetesIdentity" -}}
{{- if and .Values.agent.enabled (eq .Values.agent.identity "kubernetes") }}true{{ end }}
{{- end }}

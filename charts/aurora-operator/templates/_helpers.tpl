{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "aurora-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's objects: "<release>-<chart>" unless the release name already holds the chart name. */}}
{{- define "aurora-operator.fullname" -}}
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

{{- define "aurora-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels. The operator selects the objects it owns with app.kubernetes.io/managed-by=aurora-operator, so its
own objects keep managed-by=Helm.
*/}}
{{- define "aurora-operator.labels" -}}
helm.sh/chart: {{ include "aurora-operator.chart" . }}
{{ include "aurora-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ include "aurora-operator.imageTag" . | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "aurora-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aurora-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "aurora-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "aurora-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "aurora-operator.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "aurora-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "aurora-operator.imageTag" .) }}
{{- end }}

{{/* Name of the leader-election Lease (LEASE_NAME), in the release namespace. */}}
{{- define "aurora-operator.leaseName" -}}
{{- printf "%s-leader" (include "aurora-operator.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Least-privilege rules for reconciling AuroraClusters and AuroraRestores. Used by a ClusterRole when the operator
watches all namespaces, and by a Role in each watched namespace otherwise. No wildcards.
*/}}
{{- define "aurora-operator.rules" -}}
- apiGroups: ["aurora-operator.io"]
  resources: ["auroraclusters"]
  verbs: ["get", "list", "watch", "patch", "update"]
# create: a cluster bootstrapped from a backup writes its log through an Offline restore of its own
- apiGroups: ["aurora-operator.io"]
  resources: ["aurorarestores"]
  verbs: ["get", "list", "watch", "create", "patch", "update"]
- apiGroups: ["aurora-operator.io"]
  resources: ["auroraclusters/status", "aurorarestores/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["aurora-operator.io"]
  resources: ["auroraclusters/finalizers", "aurorarestores/finalizers"]
  verbs: ["update"]
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: [""]
  resources: ["services", "configmaps"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
# leader label patches, one-at-a-time restarts, and the throwaway pod of a rehearsal restore (docs/backups.md)
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
# log PVCs: evidence of an initialized replicated log (age, annotation) for the log-init guard
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "list", "watch", "patch"]
# ZooKeeper digest credentials named in an AuroraCluster spec; the backup agents' token Secret (created once).
# RBAC cannot limit get, list, watch or create to labels or to names chosen by users, so this reaches every Secret
# of the namespaces the binding covers: all of them with the ClusterRole (see docs/security.md), only the watched
# ones with watchNamespaces. The operator's watches ask only for its own Secrets (by label) and for each referenced
# credentials Secret (by name), so it never caches any other Secret.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
# restores: block client traffic while the replicated log is replaced; rehearsals: egress only to ZooKeeper
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
{{- end }}

{{/*
Namespaces the operator watches, comma-joined: watchNamespaces plus the older single watchNamespace. Empty means
every namespace, which needs the ClusterRole; otherwise each namespace gets a Role and nothing is cluster-wide.
*/}}
{{- define "aurora-operator.watchNamespaces" -}}
{{- $list := .Values.watchNamespaces | default list }}
{{- if .Values.watchNamespace }}
{{- $list = append $list .Values.watchNamespace }}
{{- end }}
{{- $list | uniq | join "," }}
{{- end }}

# The cluster's certificates and kubeconfigs, made fresh by every `up` with openssl: one CA, a
# serving certificate for the API server and the kubelet, a client certificate per component.
# ECDSA P-256 keys: quick to make, accepted by every Kubernetes component.

# new_key FILE
new_key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; chmod 600 "$1"; }

# issue NAME SUBJECT EXTENSIONS: pki/NAME.key and pki/NAME.crt signed by the cluster CA.
issue() {
  local name=$1 subject=$2 extensions=$3 pki="$STATE_DIR/pki"
  new_key "$pki/$name.key"
  openssl req -new -key "$pki/$name.key" -subj "$subject" -out "$pki/$name.csr" 2>/dev/null
  printf '%s\n' "$extensions" >"$pki/$name.ext"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$pki/$name.ext" -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr" "$pki/$name.ext"
}

client_ext="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"

# write_kubeconfig FILE USER: a kubeconfig for one client certificate of this cluster. The
# certificates are embedded, not referenced by path: a kubeconfig handed to Pulumi or copied to
# another machine then carries no path of this one.
write_kubeconfig() {
  local file=$1 user=$2 pki="$STATE_DIR/pki"
  cat >"$file" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: spark-at-scale-local
    cluster:
      server: https://$BRIDGE_IP:$API_PORT
      certificate-authority-data: $(base64 -w0 <"$pki/ca.crt")
users:
  - name: $user
    user:
      client-certificate-data: $(base64 -w0 <"$pki/$user.crt")
      client-key-data: $(base64 -w0 <"$pki/$user.key")
contexts:
  - name: spark-at-scale-local
    context: { cluster: spark-at-scale-local, user: $user }
current-context: spark-at-scale-local
KUBECONFIG
  chmod 600 "$file"
}

make_pki() {
  local pki="$STATE_DIR/pki"
  mkdir -p "$pki"
  new_key "$pki/ca.key"
  openssl req -x509 -new -key "$pki/ca.key" -subj "/CN=spark-at-scale-local-ca" -days 30 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$pki/ca.crt" 2>/dev/null
  issue apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$CLUSTER_DOMAIN,DNS:localhost,IP:$KUBERNETES_SERVICE_IP,IP:$BRIDGE_IP,IP:127.0.0.1"
  issue kubelet-serving "/CN=$NODE_NAME" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:$NODE_NAME,IP:$BRIDGE_IP"
  # The API server calls kubelets (logs, exec, port-forward) as a member of system:masters, as kubeadm does.
  issue apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client_ext"
  issue admin "/O=system:masters/CN=spark-at-scale-admin" "$client_ext"
  issue controller-manager "/CN=system:kube-controller-manager" "$client_ext"
  issue scheduler "/CN=system:kube-scheduler" "$client_ext"
  issue kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" "$client_ext"
  issue kube-proxy "/CN=system:kube-proxy" "$client_ext"
  issue coredns "/CN=system:coredns" "$client_ext"
  # Service-account tokens are signed with this key pair.
  new_key "$pki/sa.key"
  openssl ec -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  for user in admin controller-manager scheduler kubelet kube-proxy coredns; do
    write_kubeconfig "$STATE_DIR/$user.kubeconfig" "$user"
  done
}

//! Starter manifests for the editor's menu: small, commented, valid for Kubernetes 1.36, and
//! runnable on the simulated cluster (images from its catalogue).

/// One starter: the kind it shows, the file name it suggests and its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Starter {
    pub kind: &'static str,
    pub file: &'static str,
    pub text: &'static str,
}

pub const STARTERS: &[Starter] = &[
    Starter {
        kind: "Pod",
        file: "pod.yaml",
        text: "\
# A single pod running one nginx container.
apiVersion: v1
kind: Pod
metadata:
  name: hello
  labels:
    app: hello
spec:
  containers:
    - name: nginx
      image: nginx:1.29
      ports:
        - containerPort: 80
      resources:
        requests:
          cpu: 100m
          memory: 64Mi
",
    },
    Starter {
        kind: "Deployment",
        file: "deployment.yaml",
        text: "\
# Three replicas of nginx; the Deployment keeps them running and rolls out changes.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: nginx
          image: nginx:1.29
          ports:
            - containerPort: 80
          readinessProbe:
            httpGet:
              path: /
              port: 80
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
",
    },
    Starter {
        kind: "Service",
        file: "service.yaml",
        text: "\
# A stable address in front of the pods labelled app: web.
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: ClusterIP
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: 80
      protocol: TCP
",
    },
    Starter {
        kind: "ConfigMap",
        file: "configmap.yaml",
        text: "\
# Settings that pods read as environment variables or files.
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  LOG_LEVEL: info
  index.html: |
    <h1>Hello from Timonel</h1>
",
    },
    Starter {
        kind: "Secret",
        file: "secret.yaml",
        text: "\
# stringData takes plain text; the api-server stores it base64-encoded under data.
apiVersion: v1
kind: Secret
metadata:
  name: web-credentials
type: Opaque
stringData:
  username: admin
  password: change-me
",
    },
    Starter {
        kind: "Namespace",
        file: "namespace.yaml",
        text: "\
# A namespace groups objects; add metadata.namespace: dev to put them in it.
apiVersion: v1
kind: Namespace
metadata:
  name: dev
",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor_state::yaml_problems;

    #[test]
    fn every_starter_applies_cleanly_on_a_fresh_cluster() {
        let mut shell = kubectl::Shell::default();
        for s in STARTERS {
            assert!(yaml_problems(s.text).is_empty(), "{}", s.kind);
            shell.files.write(s.file, s.text);
            let out = shell.run(&format!("kubectl apply -f {}", s.file));
            assert_eq!(out.stderr, "", "{}", s.kind);
            assert!(
                out.stdout.ends_with(" created\n"),
                "{}: {}",
                s.kind,
                out.stdout
            );
        }
    }

    #[test]
    fn the_starter_deployment_becomes_ready() {
        let mut shell = kubectl::Shell::default();
        let s = STARTERS.iter().find(|s| s.kind == "Deployment").unwrap();
        shell.files.write(s.file, s.text);
        let out = shell.run("kubectl apply -f deployment.yaml");
        assert_eq!(out.stdout, "deployment.apps/web created\n");
        shell.cluster.advance(sim::Duration::seconds(60));
        let out = shell.run("kubectl get deploy web --no-headers");
        assert!(
            out.stdout.starts_with("web   3/3   3     3 "),
            "{}",
            out.stdout
        );
    }
}
